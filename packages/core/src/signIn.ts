import type { AuthenticatedState } from './authState'
import { InvalidResponseError, SessionEndedError } from './errors'
import type { NormalizedOptions } from './options'
import type { RefreshLock } from './refreshLock'
import type { RevocationRequest } from './revocation'
import type { SessionHolder } from './sessionHolder'
import { readTokenResponse, send } from './transport'
import type { WireRequest } from './wireFormat'

/** What {@link signIn} works with. */
export interface SignInContext {
  options: NormalizedOptions & { loginUrl: string }
  holder: SessionHolder
  lock: RefreshLock
  revoke(captured: RevocationRequest): Promise<unknown>
  assertUsable(): void
}

/**
 * `login()`: POSTs `credentials` to `loginUrl` holding the refresh lock (so no refresh of an older session is on the
 * wire meanwhile), and adopts the session it brings, unless a logout happened while it was on the wire: then the new
 * session is revoked and it rejects with `SessionEndedError`. With DPoP the new session gets a new key, which signs
 * the request; a token not bound to it is refused (and revoked). Resolves once the session is stored and published.
 */
export function signIn({ options, holder, lock, revoke, assertUsable }: SignInContext, credentials: unknown): Promise<AuthenticatedState> {
  const { loginUrl, refreshTokenMode, wireFormat, timing, environment: env } = options
  const request = wireFormat.buildLoginRequest({ url: loginUrl, credentials, refreshTokenMode })
  return lock.run(async () => {
    const { dpop } = holder
    const key = dpop && (await dpop.createKey())
    const requestedAt = holder.stamp()
    const sendIt = (signed: WireRequest) => send(env, signed, { timeoutMs: timing.requestTimeoutMs })
    const response = key ? await dpop!.send(request, key, sendIt) : await sendIt(request)
    const exchange = await readTokenResponse(env, wireFormat, loginUrl, response, 'login')
    holder.tabs.heardServer(options.refreshUrl, response)
    assertUsable()
    const { accessToken, refreshToken } = exchange.token
    const signer = key && { dpop: dpop!, key }
    const unbound = key && (await dpop!.problem(exchange.claims, exchange.token.tokenType, key.jkt))
    if (unbound) {
      // Tokens that would go out as bearer tokens are not the session's; they are not left alive at the server either.
      void revoke({ accessToken, refreshToken, everywhere: false, signer })
      throw new InvalidResponseError(loginUrl, unbound.problem, { code: unbound.code })
    }
    const adopted = holder.acceptExchange(exchange, 'login', { startedAt: requestedAt, requestedAt }, key?.jkt)
    if (!adopted) {
      // The user logged out while this login was on the wire: the new session must not sign them back in.
      void revoke({ accessToken, refreshToken, everywhere: false, signer })
      throw new SessionEndedError('logout')
    }
    // Published before the lock is released: the new refresh token stored, the new session in a lock name.
    await Promise.all([holder.storageSettled(), lock.published()])
    return adopted
  })
}

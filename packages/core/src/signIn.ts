import type { AuthenticatedState } from './authState'
import { SessionEndedError } from './errors'
import type { NormalizedOptions } from './options'
import type { RefreshLock } from './refreshLock'
import type { RevocationRequest } from './revocation'
import type { SessionHolder } from './sessionHolder'
import { readTokenResponse, send } from './transport'

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
 * session is revoked and it rejects with `SessionEndedError`. Resolves once the session is stored and published.
 */
export function signIn({ options, holder, lock, revoke, assertUsable }: SignInContext, credentials: unknown): Promise<AuthenticatedState> {
  const { loginUrl, refreshTokenMode, wireFormat, timing, environment: env } = options
  const request = wireFormat.buildLoginRequest({ url: loginUrl, credentials, refreshTokenMode })
  return lock.run(async () => {
    const requestedAt = holder.stamp()
    const response = await send(env, request, { timeoutMs: timing.requestTimeoutMs })
    const exchange = await readTokenResponse(env, wireFormat, loginUrl, response, 'login')
    holder.tabs.heardServer(options.refreshUrl, response)
    assertUsable()
    const adopted = holder.acceptExchange(exchange, 'login', { startedAt: requestedAt, requestedAt })
    if (!adopted) {
      // The user logged out while this login was on the wire: the new session must not sign them back in.
      const { accessToken, refreshToken } = exchange.token
      void revoke({ accessToken, refreshToken, everywhere: false })
      throw new SessionEndedError('logout')
    }
    await Promise.all([holder.storageSettled(), lock.published()])
    return adopted
  })
}

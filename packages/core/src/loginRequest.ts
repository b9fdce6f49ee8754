import type { AuthenticatedState } from './authState'
import { InvalidResponseError, SessionEndedError } from './errors'
import type { NormalizedOptions } from './options'
import type { RevocationRequest } from './revocation'
import type { SessionHolder } from './sessionHolder'
import { readTokenResponse, send } from './transport'
import type { WireRequest } from './wireFormat'

/**
 * What `login()` does holding the refresh lock (no refresh of an older session is on the wire meanwhile): sends the
 * credentials and adopts the new session. With DPoP the new session gets a new key, which signs the request; a
 * token not bound to it is refused (and revoked). A session that a logout ended while the request was on the wire
 * is revoked too, and the call rejects with `SessionEndedError`. Resolves once the new session is published.
 */
export async function sendLogin(
  options: NormalizedOptions,
  holder: SessionHolder,
  request: WireRequest,
  host: { revoke(captured: RevocationRequest): void; assertUsable(): void; published(): Promise<unknown> },
): Promise<AuthenticatedState> {
  const { environment: env, wireFormat, timing, loginUrl } = options
  const { dpop } = holder
  const key = dpop && (await dpop.createKey())
  const requestedAt = holder.stamp()
  const sendIt = (signed: WireRequest) => send(env, signed, { timeoutMs: timing.requestTimeoutMs })
  const response = key
    ? await dpop!.send(request, key, sendIt)
    : await sendIt(request)
  const exchange = await readTokenResponse(env, wireFormat, loginUrl!, response, 'login')
  holder.tabs.heardServer(options.refreshUrl, response)
  host.assertUsable()
  const { accessToken, refreshToken } = exchange.token
  const signer = key && { dpop: dpop!, key }
  const unbound = key && (await dpop!.problem(exchange.claims, exchange.token.tokenType, key.jkt))
  if (unbound) {
    // Tokens that would go out as bearer tokens are not the session's; they are not left alive at the server either.
    host.revoke({ accessToken, refreshToken, everywhere: false, signer })
    throw new InvalidResponseError(loginUrl!, unbound.problem, { code: unbound.code })
  }
  const adopted = holder.acceptExchange(exchange, 'login', { startedAt: requestedAt, requestedAt }, key?.jkt)
  if (!adopted) {
    // The user logged out while this login was on the wire: the new session must not sign them back in.
    host.revoke({ accessToken, refreshToken, everywhere: false, signer })
    throw new SessionEndedError('logout')
  }
  // Published before the lock is released: the new refresh token stored, the new session in a lock name.
  await Promise.all([holder.storageSettled(), host.published()])
  return adopted
}

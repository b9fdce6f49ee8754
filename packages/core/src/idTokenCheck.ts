import { isSessionEndedError } from './errors'
import { handledError, type SentRefresh } from './flightAnswer'
import type { NormalizedOptions } from './options'
import type { RevocationRequest } from './revocation'
import type { SessionHolder } from './sessionHolder'
import type { TokenExchange } from './transport'

/**
 * Runs `options.validateIdToken` on a refresh answer's ID token, if both exist; resolves `true` when a check ran and
 * passed. The rotated refresh token is kept first (a one-time secret), so no outcome of the check can lose it. A
 * `SessionEndedError` ends the session as revoked (storage cleared in every tab) and revokes the answer's tokens at
 * the server; any other failure is passed on: the answer is not adopted and the flight fails like a transient one.
 */
export async function checkIdToken(
  options: NormalizedOptions,
  holder: SessionHolder,
  host: { revoke(captured: RevocationRequest): void },
  exchange: TokenExchange,
  sent: SentRefresh,
): Promise<boolean> {
  const validate = options.validateIdToken
  const idToken = exchange.token.idToken
  if (validate === undefined || idToken === undefined) return false
  await holder.keepRotated(sent.refreshToken, exchange.token.refreshToken)
  const current = holder.session
  const previous = current?.startedAt === sent.startedAt ? current.token.identity : undefined
  try {
    await validate({ idToken, response: exchange.answer(), previous })
  } catch (error) {
    if (!isSessionEndedError(error)) throw error
    const { accessToken, refreshToken } = exchange.token
    host.revoke({ accessToken, refreshToken, everywhere: false })
    await holder.end('revoked', 'this-tab', error)
    throw handledError(error)
  }
  return true
}

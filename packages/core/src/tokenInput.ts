import { describeSecret, invalidInput } from './invalidInput'
import { decodeClaims, describeAccessToken, type AccessTokenInfo } from './tokens'

/** Tokens obtained outside tokenlife (a redirect flow, a custom login) handed over with `setTokens()`. */
export interface TokenInput {
  accessToken: string
  /** Storage mode only: the refresh token to persist. */
  refreshToken?: string
  /** Access-token lifetime in seconds; needed for opaque (non-JWT) tokens. */
  expiresIn?: number
  /** How long the session can still be refreshed, in seconds (`refresh_expires_in`): sets `sessionEndsAt`. */
  refreshExpiresIn?: number
}

const fail = (why: string, cause?: unknown): never => invalidInput('setTokens():', why, cause)

/**
 * Validates what an app passed to `setTokens()` and works out the access token's expiry. Throws a `TypeError`
 * naming the field when the input is unusable (not a string, a JWT that does not decode, no way to tell the expiry).
 */
export function readTokenInput(tokens: TokenInput, now: number, clockOffsetMs: number): AccessTokenInfo {
  if (typeof tokens !== 'object' || tokens === null) fail(`needs { accessToken }, got ${describeSecret(tokens)}`)
  const { accessToken, refreshToken, expiresIn, refreshExpiresIn } = tokens
  if (typeof accessToken !== 'string' || accessToken === '') {
    fail(`\`accessToken\` must be a non-empty string, got ${describeSecret(accessToken)}`)
  }
  if (refreshToken !== undefined && (typeof refreshToken !== 'string' || refreshToken === '')) {
    fail(`\`refreshToken\` must be a non-empty string when given, got ${describeSecret(refreshToken)}`)
  }
  if (expiresIn !== undefined && !isPositive(expiresIn)) {
    // 0 would be a token dead on arrival, refreshed again at once.
    fail(`\`expiresIn\` must be a positive number of seconds, got ${typeof expiresIn === 'string' ? JSON.stringify(expiresIn) : describeSecret(expiresIn)}; e.g. 300`)
  }
  if (refreshExpiresIn !== undefined && !isPositive(refreshExpiresIn)) {
    fail(`\`refreshExpiresIn\` must be a positive number of seconds, got ${describeSecret(refreshExpiresIn)}; e.g. 2592000`)
  }
  let claims
  try {
    claims = decodeClaims(accessToken)
  } catch (error) {
    fail('`accessToken` looks like a JWT but does not decode', error)
  }
  const info =
    describeAccessToken(accessToken, claims, expiresIn, now, clockOffsetMs) ??
    fail('cannot tell when `accessToken` expires; pass `expiresIn` in seconds')
  if (refreshExpiresIn !== undefined) info.sessionEndsAt = now + refreshExpiresIn * 1000
  return info
}

const isPositive = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value) && value > 0


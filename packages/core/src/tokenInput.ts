import { describeSecret, invalidInput } from './invalidInput'
import { decodeClaims, describeAccessToken, readIdentity, type AccessTokenInfo } from './tokens'

/** Tokens obtained outside tokenlife (a redirect flow, a custom login) handed over with `setTokens()`. */
export interface TokenInput {
  accessToken: string
  /** Storage mode only: the refresh token to persist. */
  refreshToken?: string
  /** Access-token lifetime in seconds; needed for opaque (non-JWT) tokens. */
  expiresIn?: number
  /**
   * The OpenID Connect ID token that came with them, already validated by whoever obtained it: its claims become
   * `state.user`, and it travels with the session (other tabs, later refreshes that return none).
   */
  idToken?: string
}

const fail = (why: string, cause?: unknown): never => invalidInput('setTokens():', why, cause)

/**
 * Validates what an app passed to `setTokens()` and works out the access token's expiry. Throws a `TypeError`
 * naming the field when the input is unusable (not a string, a JWT that does not decode, no way to tell the expiry).
 */
export function readTokenInput(tokens: TokenInput, now: number, clockOffsetMs: number): AccessTokenInfo {
  if (typeof tokens !== 'object' || tokens === null) fail(`needs { accessToken }, got ${describeSecret(tokens)}`)
  const { accessToken, refreshToken, expiresIn, idToken } = tokens
  if (typeof accessToken !== 'string' || accessToken === '') {
    fail(`\`accessToken\` must be a non-empty string, got ${describeSecret(accessToken)}`)
  }
  if (refreshToken !== undefined && (typeof refreshToken !== 'string' || refreshToken === '')) {
    fail(`\`refreshToken\` must be a non-empty string when given, got ${describeSecret(refreshToken)}`)
  }
  if (expiresIn !== undefined && (typeof expiresIn !== 'number' || !Number.isFinite(expiresIn) || expiresIn <= 0)) {
    // 0 would be a token dead on arrival, refreshed again at once.
    fail(`\`expiresIn\` must be a positive number of seconds, got ${typeof expiresIn === 'string' ? JSON.stringify(expiresIn) : describeSecret(expiresIn)}; e.g. 300`)
  }
  const identity = idToken === undefined ? undefined : typeof idToken === 'string' ? readIdentity(idToken) : undefined
  if (idToken !== undefined && identity === undefined) {
    fail(`\`idToken\` must be a JWT (an OpenID Connect ID token) when given, got ${describeSecret(idToken)}`)
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
  return identity ? { ...info, identity } : info
}


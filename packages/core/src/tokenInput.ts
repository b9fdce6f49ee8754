import { invalid } from './diagnostics/diagnostic'
import { decodeClaims, describeAccessToken, readIdentity, type AccessTokenInfo } from './tokens'

/** Tokens obtained outside tokenlife (a redirect flow, a custom login) handed over with `setTokens()`. */
export interface TokenInput {
  /** The access token: a JWT (its `exp` gives the expiry unless `expiresIn` is set) or an opaque string. */
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

/**
 * Validates what an app passed to `setTokens()` and works out the access token's expiry. Throws a `TypeError`
 * naming the field when the input is unusable (not a string, a JWT that does not decode, no way to tell the expiry).
 */
export function readTokenInput(tokens: TokenInput, now: number, clockOffsetMs: number): AccessTokenInfo {
  if (typeof tokens !== 'object' || tokens === null) invalid('TL131', 'setTokens()', [tokens])
  const { accessToken, refreshToken, expiresIn, idToken } = tokens
  if (typeof accessToken !== 'string' || accessToken === '') invalid('TL132', 'setTokens()', [accessToken])
  if (refreshToken !== undefined && (typeof refreshToken !== 'string' || refreshToken === '')) {
    invalid('TL133', 'setTokens()', [refreshToken])
  }
  if (expiresIn !== undefined && (typeof expiresIn !== 'number' || !Number.isFinite(expiresIn) || expiresIn <= 0)) {
    // 0 would be a token dead on arrival, refreshed again at once.
    invalid('TL134', 'setTokens()', [expiresIn])
  }
  const identity = idToken === undefined ? undefined : typeof idToken === 'string' ? readIdentity(idToken) : undefined
  if (idToken !== undefined && identity === undefined) {
    invalid('TL141', 'setTokens()', [idToken])
  }
  let claims
  try {
    claims = decodeClaims(accessToken)
  } catch (error) {
    invalid('TL135', 'setTokens()', [], error)
  }
  const info =
    describeAccessToken(accessToken, claims, expiresIn, now, clockOffsetMs) ??
    invalid('TL136', 'setTokens()')
  return identity ? { ...info, identity } : info
}


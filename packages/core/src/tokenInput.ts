import { invalid } from './diagnostics/diagnostic'
import { decodeClaims, describeAccessToken, readIdentity, type AccessTokenInfo } from './tokens'
import type { Dpop } from './dpop/dpop'

/** Tokens obtained outside tokenlife (a redirect flow, a custom login) handed over with `setTokens()`. */
export interface TokenInput {
  /** The access token: a JWT (its `exp` gives the expiry unless `expiresIn` is set) or an opaque string. */
  accessToken: string
  /** Storage mode only: the refresh token to persist. */
  refreshToken?: string
  /** Access-token lifetime in seconds; needed for opaque (non-JWT) tokens. */
  expiresIn?: number
  /** How long the session can still be refreshed, in seconds (`refresh_expires_in`): sets `sessionEndsAt`. */
  refreshExpiresIn?: number
  /**
   * The OpenID Connect ID token that came with them, already validated by whoever obtained it: its claims become
   * `state.user`, and it travels with the session (other tabs, later refreshes that return none).
   */
  idToken?: string
  /**
   * With `dpop: true`: the thumbprint (`jkt`) of the DPoP key the tokens are bound to, a key from
   * `auth.dpop.createKey()` or `auth.dpop.key()`. The new session is bound to it. Default: the key of the current
   * session (tokens obtained with its proofs).
   */
  dpopJkt?: string
}

/**
 * Validates what an app passed to `setTokens()` and works out the access token's expiry. Throws a `TypeError`
 * naming the field when the input is unusable (not a string, a JWT that does not decode, no way to tell the expiry).
 */
export function readTokenInput(tokens: TokenInput, now: number, clockOffsetMs: number): AccessTokenInfo {
  if (typeof tokens !== 'object' || tokens === null) invalid('TL131', 'setTokens()', [tokens])
  const { accessToken, refreshToken, expiresIn, refreshExpiresIn, idToken } = tokens
  if (typeof accessToken !== 'string' || accessToken === '') invalid('TL132', 'setTokens()', [accessToken])
  if (refreshToken !== undefined && (typeof refreshToken !== 'string' || refreshToken === '')) {
    invalid('TL133', 'setTokens()', [refreshToken])
  }
  if (expiresIn !== undefined && !isPositive(expiresIn)) {
    // 0 would be a token dead on arrival, refreshed again at once.
    invalid('TL134', 'setTokens()', [expiresIn])
  }
  const identity = idToken === undefined ? undefined : typeof idToken === 'string' ? readIdentity(idToken) : undefined
  if (idToken !== undefined && identity === undefined) {
    invalid('TL141', 'setTokens()', [idToken])
  }
  if (refreshExpiresIn !== undefined && !isPositive(refreshExpiresIn)) {
    invalid('TL157', 'setTokens()', [refreshExpiresIn])
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
  const timed = refreshExpiresIn === undefined ? info : { ...info, sessionEndsAt: now + refreshExpiresIn * 1000 }
  return identity ? { ...timed, identity } : timed
}

/**
 * With DPoP, the tokens of `setTokens()` bound to a key this tab holds (`dpopJkt`, else the session's: checked by
 * the DPoP chunk, loaded once a key was made or read), or a `TypeError`; without it, a `dpopJkt` is refused (the
 * tokens would go out as bearer tokens).
 */
export function bindToKey(dpop: Dpop | undefined, tokens: TokenInput, info: AccessTokenInfo): AccessTokenInfo {
  if (!dpop) return tokens.dpopJkt === undefined ? info : invalid('TL164', 'setTokens()')
  return (dpop.loaded() ?? invalid('TL162', 'setTokens()', [tokens.dpopJkt])).bindInput(info, tokens.dpopJkt)
}

const isPositive = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value) && value > 0


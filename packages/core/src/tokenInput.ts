import { decodeClaims, describeAccessToken, type AccessTokenInfo } from './tokens'

/** Tokens obtained outside tokenlife (a redirect flow, a custom login) handed over with `setTokens()`. */
export interface TokenInput {
  accessToken: string
  /** Storage mode only: the refresh token to persist. */
  refreshToken?: string
  /** Access-token lifetime in seconds; needed for opaque (non-JWT) tokens. */
  expiresIn?: number
}

const fail = (why: string, cause?: unknown): never => {
  throw new TypeError(`tokenlife: setTokens(): ${why}`, cause === undefined ? undefined : { cause })
}

/**
 * Validates what an app passed to `setTokens()` and works out the access token's expiry. Throws a `TypeError`
 * naming the field when the input is unusable (not a string, a JWT that does not decode, no way to tell the expiry).
 */
export function readTokenInput(tokens: TokenInput, now: number, clockOffsetMs: number): AccessTokenInfo {
  if (typeof tokens !== 'object' || tokens === null) fail(`needs { accessToken, expiresIn? }, got ${describe(tokens)}`)
  const { accessToken, refreshToken, expiresIn } = tokens
  if (typeof accessToken !== 'string' || accessToken === '') {
    fail(`\`accessToken\` must be a non-empty string, got ${describe(accessToken)}`)
  }
  if (refreshToken !== undefined && (typeof refreshToken !== 'string' || refreshToken === '')) {
    fail(`\`refreshToken\` must be a non-empty string when given, got ${describe(refreshToken)}; leave it out in cookie mode`)
  }
  if (expiresIn !== undefined && (typeof expiresIn !== 'number' || !Number.isFinite(expiresIn) || expiresIn <= 0)) {
    // A token that is dead on arrival would be refreshed again at once.
    fail(
      `\`expiresIn\` must be a positive number of seconds (the access token's lifetime), got ${typeof expiresIn === 'string' ? JSON.stringify(expiresIn) : describe(expiresIn)}; ` +
        "pass the server's expires_in, e.g. 300, or leave it out for a JWT with an exp claim",
    )
  }
  let claims
  try {
    claims = decodeClaims(accessToken)
  } catch (error) {
    fail('`accessToken` looks like a JWT but does not decode; pass the token exactly as the server issued it', error)
  }
  return (
    describeAccessToken(accessToken, claims, expiresIn, now, clockOffsetMs) ??
    fail('cannot tell when `accessToken` expires (an opaque token, or a JWT without exp); pass `expiresIn` in seconds')
  )
}

function describe(value: unknown): string {
  if (value === null) return 'null'
  if (typeof value === 'string') return value === '' ? '""' : `a string of ${value.length} characters`
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  return typeof value
}

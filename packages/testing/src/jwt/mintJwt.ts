import { base64url } from './base64url'

/**
 * An unsigned JWT (`alg: none`) with `claims`: what the mock contract server issues. tokenlife decodes access tokens
 * and never verifies them (your API does); the mock server checks its own tokens by looking them up
 * ({@link MockAuthServer.verify}).
 *
 * @example
 * ```ts
 * const now = Math.floor(Date.now() / 1000)
 * const token = mintJwt({ sub: 'user-1', iat: now, exp: now + 300 })
 * auth.setTokens({ accessToken: token })
 * ```
 */
export function mintJwt(claims: Record<string, unknown>): string {
  return `${base64url(JSON.stringify({ alg: 'none', typ: 'JWT' }))}.${base64url(JSON.stringify(claims))}.`
}

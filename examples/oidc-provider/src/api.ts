// A protected resource: accepts the provider's JWT access tokens for the API (resource indicator), nothing else.
import { createRemoteJWKSet, jwtVerify } from 'jose'
import { API } from './provider'

/**
 * A verifier for `Authorization: Bearer …` headers at the API: the token must be a JWT the provider at `issuer`
 * signed (its JWKS), for the API audience, not expired. Resolves with the token's `sub`, or `undefined` when refused.
 */
export function apiVerifier(issuer: string): (authorization: string | undefined) => Promise<string | undefined> {
  const jwks = createRemoteJWKSet(new URL(`${issuer}/jwks`))
  return async (authorization) => {
    const token = /^Bearer (.+)$/.exec(authorization ?? '')?.[1]
    if (!token) return undefined
    try {
      const { payload } = await jwtVerify(token, jwks, { issuer, audience: API })
      return payload.sub
    } catch {
      return undefined
    }
  }
}

// A protected resource: accepts the provider's JWT access tokens for the API (resource indicator), nothing else.
import { checkDpopProof, DpopNonces } from '@tokenlife/server'
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

/** What {@link dpopApi} saw of one request. */
export interface DpopApiCall {
  status: number
  /** The error of a refusal (`invalid_token`, `invalid_dpop_proof`, `use_dpop_nonce`). */
  error?: string
  /** The thumbprint of the proof's key, when the request passed. */
  jkt?: string
}

/**
 * A protected resource that takes DPoP-bound JWT access tokens only (RFC 9449 §7), checked by two implementations: the
 * token and its proof by oauth4webapi's `validateJwtAccessToken` (`requireDPoP`: signature from the provider's JWKS,
 * `aud`, `exp`, the proof's signature, `htm`, `htu`, `iat`, `ath`, its key the token's `cnf.jkt`), then the proof by
 * `@tokenlife/server`'s `checkDpopProof` for what oauth4webapi leaves to a resource server: a `jti` used once, and
 * the resource server's own nonces (`use_dpop_nonce` with `DPoP-Nonce`). A bearer token, a copied token without the
 * key's proof, or a replayed proof is refused with `WWW-Authenticate: DPoP error=…`. `rejectSeen()` refuses every
 * token it has seen so far (a 401 wave).
 */
export function dpopApi(issuer: string, { nonces = new DpopNonces() }: { nonces?: DpopNonces } = {}) {
  const calls: DpopApiCall[] = []
  const seenTokens = new Set<string>()
  const refused = new Set<string>()
  const replay = new Set<string>()
  const as = { issuer, jwks_uri: `${issuer}/jwks` }
  const refuse = (error: string, description: string) => {
    calls.push({ status: 401, error })
    return { status: 401, sub: undefined, headers: { 'WWW-Authenticate': `DPoP error="${error}", error_description="${description.replace(/"/g, '')}", algs="ES256"`, 'DPoP-Nonce': nonces.current() } }
  }
  const check = async (request: Request): Promise<{ status: number; sub: string | undefined; headers: Record<string, string> }> => {
    const token = /^DPoP (.+)$/.exec(request.headers.get('authorization') ?? '')?.[1]
    if (token === undefined) return refuse('invalid_token', 'a DPoP-bound access token is required')
    seenTokens.add(token)
    if (refused.has(token)) return refuse('invalid_token', 'the access token was revoked')
    const o = await import('oauth4webapi')
    let claims
    try {
      claims = await o.validateJwtAccessToken(as, request, API, { requireDPoP: true, [o.allowInsecureRequests]: true } as never)
    } catch (error) {
      // A proof that is missing, malformed or by another key than the token's (`cnf.jkt`) is the proof's fault.
      const dpop = error instanceof o.WWWAuthenticateChallengeError || /DPoP|confirmation/.test(String((error as Error).message))
      return refuse(dpop ? 'invalid_dpop_proof' : 'invalid_token', (error as Error).message)
    }
    const proof = await checkDpopProof(request, { accessToken: token, nonces, firstUse: async (id) => (replay.has(id) ? false : (replay.add(id), true)) })
    if (!proof.ok) return refuse(proof.error, proof.description)
    calls.push({ status: 200, jkt: proof.jkt })
    return { status: 200, sub: claims.sub, headers: { 'DPoP-Nonce': nonces.current() } }
  }
  return {
    check,
    calls,
    nonces,
    rejectSeen: () => {
      for (const token of seenTokens) refused.add(token)
    },
  }
}

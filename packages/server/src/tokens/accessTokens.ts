import { errors, jwtVerify } from 'jose'
import type { JWTVerifyGetKey } from 'jose'

/** The claims of an access token issued by `@tokenlife/server` (plus whatever the issuer's `claims` option adds). */
export interface AccessTokenClaims {
  /** The user id. */
  sub: string
  /** The user's token version when the token was issued (the change-detection marker). */
  ver: number
  jti: string
  iat: number
  exp: number
  iss: string
  aud: string | string[]
  /** DPoP (RFC 9449 §6.1): the thumbprint of the key the token is bound to. */
  cnf?: { jkt?: string }
  [claim: string]: unknown
}

/** The outcome of checking a token's signature and claims, before any revocation check. */
export type SignatureCheck =
  | { ok: true; claims: AccessTokenClaims }
  | { ok: false; reason: 'expired' | 'invalid'; description: string }

/** What a signature check needs: the key (or key resolver), the accepted algorithms, issuer, audience, clock. */
export interface SignatureCheckOptions {
  key: Uint8Array | JWTVerifyGetKey
  algorithms: string[]
  issuer: string
  audience: string
  /** Epoch ms. */
  now: () => number
}

/**
 * Verifies the signature (only the listed algorithms: no `alg: none`, no algorithm confusion) and the claims:
 * `iss`, `aud`, `exp` (no leeway), and that `sub`, `jti`, `iat`, `exp` and `ver` are there with the right types.
 */
export async function checkSignature(token: string, options: SignatureCheckOptions): Promise<SignatureCheck> {
  try {
    const verify = jwtVerify as (token: string, key: SignatureCheckOptions['key'], options: object) => ReturnType<typeof jwtVerify>
    const { payload } = await verify(token, options.key, {
      algorithms: options.algorithms,
      issuer: options.issuer,
      audience: options.audience,
      requiredClaims: ['sub', 'iat', 'exp', 'jti'],
      currentDate: new Date(options.now()),
    })
    const { sub, iat, exp, jti, ver } = payload
    if (typeof sub !== 'string' || typeof iat !== 'number' || typeof exp !== 'number' || typeof jti !== 'string' || typeof ver !== 'number') {
      return { ok: false, reason: 'invalid', description: 'access token claims are malformed' }
    }
    return { ok: true, claims: payload as AccessTokenClaims }
  } catch (error) {
    if (error instanceof errors.JWTExpired) return { ok: false, reason: 'expired', description: 'access token expired' }
    return { ok: false, reason: 'invalid', description: 'access token is invalid' }
  }
}

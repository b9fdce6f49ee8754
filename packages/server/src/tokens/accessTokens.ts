import { errors, jwtVerify } from 'jose'
import type { JWTVerifyGetKey } from 'jose'

/** The claims of an access token issued by `@tokenlife/server` (plus whatever the issuer's `claims` option adds). */
export interface AccessTokenClaims {
  /** The user id. */
  sub: string
  /** The user's token version when the token was issued (the change-detection marker). */
  ver: number
  /** The token's unique id (a UUID): what the denylist holds after a logout. */
  jti: string
  /** Issued at, epoch **seconds**. */
  iat: number
  /** Expires at, epoch **seconds** (`iat` + `accessTokenTtlSeconds`). */
  exp: number
  /** The issuer (`IssuerOptions.issuer`). */
  iss: string
  /** The audience (`IssuerOptions.audience`). */
  aud: string | string[]
  /** DPoP (RFC 9449 §6.1): the thumbprint of the key the token is bound to. */
  cnf?: {
    /** The SHA-256 thumbprint (RFC 7638) of the public key whose proofs must come with the token. */
    jkt?: string
  }
  /** Whatever the issuer's `claims` option adds (by default `email` and `name`). */
  [claim: string]: unknown
}

/** The outcome of checking a token's signature and claims, before any revocation check. */
export type SignatureCheck =
  | {
      /** Signature and claims are valid. */
      ok: true
      /** The token's claims. */
      claims: AccessTokenClaims
    }
  | {
      /** Refused. */
      ok: false
      /** `'expired'` (past `exp`, no leeway) or `'invalid'` (signature, algorithm, issuer, audience or claims). */
      reason: 'expired' | 'invalid'
      /** A short text for `error_description`, e.g. `'access token expired'`. */
      description: string
    }

/** What a signature check needs: the key (or key resolver), the accepted algorithms, issuer, audience, clock. */
export interface SignatureCheckOptions {
  /** The HS256 secret, or a key resolver by `kid` (a ring's `verificationKey`, jose's `createRemoteJWKSet(url)`). */
  key: Uint8Array | JWTVerifyGetKey
  /** The accepted `alg`s, e.g. `['EdDSA']`; a token signed otherwise is `invalid`. */
  algorithms: string[]
  /** The required `iss`. */
  issuer: string
  /** The required `aud`. */
  audience: string
  /** The clock `exp` is checked against, epoch ms. */
  now: () => number
}

/**
 * Verifies the signature (only the listed algorithms: no `alg: none`, no algorithm confusion) and the claims:
 * `iss`, `aud`, `exp` (no leeway), and that `sub`, `jti`, `iat`, `exp` and `ver` are there with the right types.
 * Never throws: a bad token is `{ ok: false }`. It does not check revocation; for API requests use a `Verifier`,
 * which calls this and then checks the denylist and the token version.
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

import type { AccessTokenClaims } from './tokens/accessTokens'

/**
 * The outcome of {@link Verifier.verify} and {@link Verifier.verifyRequest}: the claims, or why not and which HTTP
 * status says so. `headers` are for the response (`WWW-Authenticate`, and with DPoP nonces `DPoP-Nonce`).
 */
export type VerifyResult =
  | {
      ok: true
      claims: AccessTokenClaims
      /** DPoP: the thumbprint of the key whose proof came with the token. */
      jkt?: string
      /** For the response: a fresh `DPoP-Nonce`, when nonces are on. */
      headers?: Record<string, string>
    }
  | {
      ok: false
      /** For the response: `WWW-Authenticate` (Bearer or DPoP challenge) and, with DPoP nonces, `DPoP-Nonce`. */
      headers?: Record<string, string>
      /**
       * `invalid`/`expired`: the token itself; `revoked`: denied, or older than the user's token version;
       * `unavailable`: the verifier cannot tell whether the token was revoked (its view is past the staleness bound
       * and the store cannot be asked): it fails closed, with a 503 the client treats as transient.
       */
      reason: 'invalid' | 'expired' | 'revoked' | 'unavailable'
      description: string
      status: 401 | 503
    }

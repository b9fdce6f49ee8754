import type { AccessTokenClaims } from './tokens/accessTokens'

/**
 * The outcome of {@link Verifier.verify} and {@link Verifier.verifyRequest}: the claims, or why not and which HTTP
 * status says so. `headers` are for the response (`WWW-Authenticate`, and with DPoP nonces `DPoP-Nonce`).
 */
export type VerifyResult =
  | {
      /** The token is valid and not revoked (as of the verifier's view, at most `maxStalenessMs` old). */
      ok: true
      /** Its claims: `sub` is the user id. */
      claims: AccessTokenClaims
      /** DPoP: the thumbprint of the key whose proof came with the token. */
      jkt?: string
      /** For the response: a fresh `DPoP-Nonce`, when nonces are on. */
      headers?: Record<string, string>
    }
  | {
      /** The request must be refused. */
      ok: false
      /** For the response: `WWW-Authenticate` (Bearer or DPoP challenge) and, with DPoP nonces, `DPoP-Nonce`. */
      headers?: Record<string, string>
      /**
       * `invalid`/`expired`: the token itself; `revoked`: denied, or older than the user's token version;
       * `unavailable`: the verifier cannot tell whether the token was revoked (its view is past the staleness bound
       * and the store cannot be asked): it fails closed, with a 503 the client treats as transient.
       */
      reason: 'invalid' | 'expired' | 'revoked' | 'unavailable'
      /** A short text for `error_description` or a log, e.g. `'access token has been revoked'`. No secret in it. */
      description: string
      /**
       * The HTTP status to answer: `401` (send `headers`' `WWW-Authenticate`: the client refreshes and retries once)
       * or `503` for `unavailable` (send `Retry-After`: the client keeps its session and retries).
       */
      status: 401 | 503
    }

/**
 * A freshly issued access + refresh token pair: what a token response is made of (`createAuthHandler()` sends
 * `access_token`, `expires_in`, and the refresh token as a cookie or, for storage-mode clients, as `refresh_token`).
 */
export interface TokenPair {
  /** The signed JWT access token (claims: {@link AccessTokenClaims}). */
  accessToken: string
  /** Access-token lifetime, seconds (`accessTokenTtlSeconds`): the response's `expires_in`. */
  expiresIn: number
  /** The opaque refresh token (256 random bits, base64url, or the derived successor). Give it only to its owner. */
  refreshToken: string
  /** Refresh-token lifetime, seconds (never past the session's absolute end): the refresh cookie's `Max-Age`. */
  refreshExpiresIn: number
  /** The session (token family) the pair belongs to: for logs and {@link Issuer.revokeFamily}. */
  familyId: string
  /** DPoP: the thumbprint of the key the tokens are bound to (the access token's `cnf.jkt`); absent: bearer tokens. */
  jkt?: string
}

/**
 * Why a refresh was refused: `'unknown'` (no such token: never issued, or expired long ago and dropped), `'expired'`
 * (the token's lifetime or the session's absolute cap passed), `'revoked'` (the session was ended: logout, logout
 * everywhere, reuse, a deleted user), `'reuse'` (a token already exchanged came again outside the retry window: the
 * whole family was revoked just now), `'version_changed'` (the user's token version moved since the login: password
 * change or logout everywhere), `'key_mismatch'` (DPoP: the session is bound to a key and the request's proof was by
 * another, or missing; the token was neither used nor revoked). Every reason is answered `400 invalid_grant`, which
 * ends the client's session.
 */
export type RefreshFailureReason = 'unknown' | 'expired' | 'revoked' | 'reuse' | 'version_changed' | 'key_mismatch'

/** The outcome of {@link Issuer.refresh}: a new pair, or why not. */
export type RefreshResult =
  | {
      /** The token was exchanged. */
      ok: true
      /** The new pair, in the same family. */
      pair: TokenPair
      /**
       * `true` when the token had already been exchanged and came again within the retry window: `pair` holds the same
       * refresh token as the first answer (and a fresh access token). `false` for a rotation.
       */
      retried: boolean
    }
  | {
      /** The token was refused. */
      ok: false
      /** Why (see {@link RefreshFailureReason}). */
      reason: RefreshFailureReason
      /** A short text for the answer's `error_description`, e.g. `'refresh token reuse detected'`. No secret in it. */
      description: string
      /** The family the token belonged to, when it was known (not for `'unknown'`). */
      familyId?: string
    }

/**
 * What a presented refresh token is, without using it: `current` (would refresh now), `rotated` (already exchanged:
 * presenting it again is reuse), `ended` (revoked family, expired, or at an old token version), `unknown`.
 */
export type RefreshTokenStatus =
  | {
      /** What the token is (see above). */
      status: 'current' | 'rotated' | 'ended'
      /** Whose it is. */
      userId: string
      /** The session (token family) it belongs to. */
      familyId: string
      /** DPoP: the thumbprint of the key the session is bound to, when it is. */
      jkt?: string
    }
  | {
      /** No such token in the store. */
      status: 'unknown'
    }

import type { ScryptParams } from './passwords'
import type { AuthStore, User } from './store/authStore'
import type { KeyRing } from './tokens/keyRing'

/**
 * Options of {@link Issuer}. Durations are seconds; a bad one is a `TypeError` with code `TL602` naming it. How to
 * choose them: docs/server.md, "Choosing the bounds".
 */
export interface IssuerOptions {
  /** Where users, sessions and refresh tokens live: a `MemoryStore` (one process) or a `RedisStore` (several). */
  store: AuthStore
  /**
   * Signs the access tokens: `createKeyRing()` (EdDSA or ES256, with a JWKS; the same keys on every instance) or
   * `createSecretKeyRing()` (HS256, one process).
   */
  keys: KeyRing
  /** The `iss` claim, e.g. `'https://auth.example.com'`. Verifiers must be given the same. Required (`TL601`). */
  issuer: string
  /** The `aud` claim: the API the tokens are for, e.g. `'api'`. Verifiers must be given the same. Required (`TL601`). */
  audience: string
  /**
   * Access-token lifetime, seconds: how long a stolen access token stays usable, and how often each client refreshes
   * (tokenlife's SDK at about 80 % of it). Default: 300.
   */
  accessTokenTtlSeconds?: number
  /**
   * Refresh-token lifetime, seconds; sliding (each rotation starts it again), so it is the idle timeout of a session.
   * Default: 604800 (7 days).
   */
  refreshTokenTtlSeconds?: number
  /** Absolute cap on a session from its login, seconds, however often it rotates. Default: 2592000 (30 days). */
  sessionMaxAgeSeconds?: number
  /**
   * The idempotent retry window: a refresh token presented again within this many seconds of its rotation, while
   * its successor is unused and the session alive, is answered with the same successor instead of revoking the
   * session as reuse. It is what saves a session whose page was closed or reloaded mid-refresh (above all in storage
   * mode, where the answer dies with the page); it also lets a thief who copied a token use it for that long after
   * it was rotated. `0` (the default) turns it off. See docs/server.md, "The retry window".
   */
  retryWindowSeconds?: number
  /**
   * Extra claims of a user's access tokens, beside `sub`, `ver`, `jti`, `iat`, `exp`, `iss` and `aud` (which it cannot
   * override). Called at every issue; keep it fast and free of secrets (a JWT is readable by whoever holds it).
   * Default: `{ email, name }`.
   *
   * @example
   * ```ts
   * claims: (user) => ({ email: user.email, roles: rolesOf(user.id) })
   * ```
   */
  claims?: (user: User) => Record<string, unknown>
  /** scrypt cost for new password hashes (`changePassword`). Default: {@link DEFAULT_SCRYPT_PARAMS}, N = 2^17, r = 8, p = 1. */
  scrypt?: ScryptParams
  /** The clock, epoch ms: token times, expiry, the session cap. Default: `Date.now`. Tests pass a fake one. */
  now?: () => number
}

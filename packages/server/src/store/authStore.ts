/**
 * The one persistence contract of `@tokenlife/server`. Every implementation (the in-process {@link MemoryStore},
 * the Redis store of `@tokenlife/server/redis`) passes the same contract test suite. Methods that decide a race are
 * atomic in every implementation: {@link AuthStore.rotateRefreshToken} above all, which two server instances may
 * call at once with the same token.
 */

/** An account. Only a hash of the password is stored. Stores return copies: changing one changes nothing stored. */
export interface User {
  /** A stable, unique id (a UUID when made by `createUser()`): the access token's `sub`. */
  id: string
  /** Normalized (trimmed, lower case, see `normalizeEmail()`); unique in the store. */
  email: string
  /** A display name, put in the access token's claims by default (`IssuerOptions.claims`). */
  name: string
  /** The scrypt hash `hashPassword()` writes (`scrypt$N$r$p$<salt>$<hash>`); never the password. */
  passwordHash: string
  /**
   * The change-detection marker, `0` for a new user: bumped by a password change and by "log out everywhere"
   * (`Issuer.bumpTokenVersion()`). Access tokens carry it as `ver`; verifiers refuse older ones.
   */
  tokenVersion: number
}

/** A chain of rotated refresh tokens that started with one login: a session. Revoking it ends that session. */
export interface TokenFamily {
  /** A random id (UUID); reported in `AuthEvent`s and `TokenPair.familyId`. */
  id: string
  /** The {@link User.id} whose session it is. */
  userId: string
  /** The user's `tokenVersion` when the family was created; checked at every refresh. */
  tokenVersion: number
  /** Epoch ms of the login; the session's absolute end is counted from it. */
  createdAt: number
  /** When it was revoked, epoch ms, or `null` while the family is alive. */
  revokedAt: number | null
  /**
   * Why, for logs and support, e.g. `'logout'`, `'logout everywhere'`, `'refresh token reuse'`,
   * `'token version changed'`, `'session reached its maximum age'`, `'user deleted'`, or the reason given to
   * `Issuer.revokeFamily()`. `null` while alive. The first revocation's reason is kept.
   */
  revokedReason: string | null
  /**
   * DPoP (RFC 9449): the thumbprint of the key the family's tokens are bound to; only a proof by that key refreshes
   * it. `null` or absent: bearer tokens (a login without a proof).
   */
  jkt?: string | null
}

/** One refresh token. Only a hash of the token is stored. */
export interface RefreshTokenRecord {
  /** SHA-256 of the token, base64url (`hashRefreshToken()`): the record's key. */
  tokenHash: string
  /** The {@link TokenFamily.id} it belongs to. */
  familyId: string
  /** The {@link User.id} of the family. */
  userId: string
  /** When it was issued, epoch ms. */
  issuedAt: number
  /**
   * When it expires, epoch ms: `refreshTokenTtlSeconds` after it was issued, never past the session's absolute end.
   * Stores may drop the record then (the Redis store's key expires at this time).
   */
  expiresAt: number
  /** Epoch ms when it was exchanged for its successor; presenting it again is reuse (or, in the retry window, a retry). */
  usedAt: number | null
  /** A random value; the successor is derived from the token and this (see `deriveSuccessor`), so a retry gets the same. */
  seed: string
  /** The hash of the token that replaced this one, once it was rotated. */
  successorHash: string | null
}

/**
 * What {@link AuthStore.rotateRefreshToken} did: `'rotated'` (this call won), `'used'` (the token was already
 * exchanged: someone rotated it first), `'revoked'` (its family is revoked, or gone), `'unknown'` (no such token).
 */
export type RotateOutcome = 'rotated' | 'used' | 'revoked' | 'unknown'

/** A revocation that API servers must learn of: a denied access token, or a user's token version that moved. */
export type RevocationChange =
  | {
      /** An access token was put on the denylist (logout). */
      type: 'denied'
      /** The denied token's `jti` claim. */
      jti: string
      /** When the denied token expires, epoch ms: the denial is dropped then, as the token is refused anyway. */
      expiresAt: number
    }
  | {
      /** A user's token version moved (password change, logout everywhere). */
      type: 'version'
      /** The {@link User.id}. */
      userId: string
      /** The new version: access tokens with a lower `ver` are refused. */
      version: number
      /** Epoch ms after which no access token at an older version can still be unexpired: the entry may go. */
      until: number
    }

/** Every revocation still in force: the denylist and the recent version bumps. */
export interface RevocationSnapshot {
  /** The denylist: every denied access token that has not expired yet. */
  denied: Array<{
    /** The denied token's `jti`. */
    jti: string
    /** When it expires, epoch ms. */
    expiresAt: number
  }>
  /** The version bumps whose older tokens may still be unexpired. */
  versions: Array<{
    /** The {@link User.id}. */
    userId: string
    /** The user's current token version: older access tokens are refused. */
    version: number
    /** Epoch ms after which the entry may go (every older token has expired). */
    until: number
  }>
}

/** What a {@link ChangeFeed} tells its listener. */
export interface FeedListener {
  /** A revocation was published. Changes are idempotent and may arrive more than once or out of order. */
  change(change: RevocationChange): void
  /**
   * The feed is connected (first, or again after a loss): changes published from now on are delivered; those
   * published while it was down are not, so the listener re-reads the snapshot.
   */
  connected(): void
  /** The feed lost its connection: nothing is delivered until `connected` is called again. */
  disconnected(): void
}

/** The change feed verifiers keep their revocation cache current by. */
export interface ChangeFeed {
  /**
   * Starts listening; returns the function that stops. `connected` is called once the feed is live (asynchronously,
   * also when it already is). A `Verifier` subscribes by itself; subscribe yourself to mirror revocations elsewhere.
   *
   * @example
   * ```ts
   * const stop = store.subscribe({
   *   change: (change) => log.info('revocation', change), // { type: 'denied', jti, expiresAt } or { type: 'version', … }
   *   connected: () => log.info('feed up: re-read store.revocations(Date.now())'),
   *   disconnected: () => log.warn('feed down'),
   * })
   * ```
   */
  subscribe(listener: FeedListener): () => void
  /**
   * Resolves once every change published before the call has been delivered to the listeners (a heartbeat through
   * the feed's own connection); rejects when the feed is down. Verifiers measure their staleness by it.
   */
  heartbeat(): Promise<void>
}

/**
 * The store behind the issuer and the verifiers: users, token families, refresh tokens, the denylist and the token
 * versions, and the change feed that carries revocations to every verifier. Implement it to put tokenlife's server on
 * another database; the contract suite both stores pass (`packages/server/test/redis/storeContract.test.ts` in the
 * repository) says what each method must do. Methods that decide a race must be atomic (above all
 * {@link AuthStore.rotateRefreshToken}); every time is epoch ms.
 */
export interface AuthStore extends ChangeFeed {
  /** The user with this email (already normalized by the caller: see `normalizeEmail()`), or `undefined`. */
  findUserByEmail(email: string): Promise<User | undefined>
  /** The user with this id, or `undefined`. */
  findUserById(id: string): Promise<User | undefined>
  /** Saves a new user. Rejects with an `Error` whose `code` is `'TL621'` when the email is taken, writing nothing. */
  createUser(user: User): Promise<void>
  /** Replaces the user's password hash (a no-op for an unknown user). Does not touch the token version. */
  updatePasswordHash(userId: string, passwordHash: string): Promise<void>
  /**
   * Increments the user's token version, returns the new one, and publishes it to the verifiers, who refuse older
   * access tokens of the user until `until` (epoch ms: when every access token issued before now has expired).
   * Rejects with an `Error` whose `code` is `'TL622'` when there is no such user.
   */
  bumpTokenVersion(userId: string, until: number): Promise<number>

  /** Saves a new family (a login). Its first refresh token follows with {@link AuthStore.saveRefreshToken}. */
  createFamily(family: TokenFamily): Promise<void>
  /** The family with this id, or `undefined` (never created, or dropped after its last token expired). */
  getFamily(id: string): Promise<TokenFamily | undefined>
  /** Revokes one family; a no-op when it is already revoked (the first reason wins). */
  revokeFamily(id: string, at: number, reason: string): Promise<void>
  /** Revokes every live family of a user and returns how many it revoked. */
  revokeUserFamilies(userId: string, at: number, reason: string): Promise<number>
  /**
   * DPoP: binds the family to the key `jkt` unless it is bound already (atomically: of two instances binding one
   * family, one wins). Resolves with the key it is bound to now, or `undefined` when there is no such family.
   */
  bindFamilyKey(id: string, jkt: string): Promise<string | undefined>
  /**
   * DPoP replay detection: records the proof `id` until `expiresAt` (epoch ms). `true` the first time, `false` when it
   * was recorded before (atomically: of two instances recording one id, one gets `true`).
   */
  useDpopProof(id: string, expiresAt: number): Promise<boolean>

  /** Saves the first refresh token of a family (later ones come from {@link AuthStore.rotateRefreshToken}). */
  saveRefreshToken(record: RefreshTokenRecord): Promise<void>
  /**
   * The record of the token with this hash (`hashRefreshToken(token)`), used or not; `undefined` for an unknown one
   * (a store may drop a record once it expired: Redis at its `expiresAt`, the memory store at `pruneExpired`).
   */
  getRefreshToken(tokenHash: string): Promise<RefreshTokenRecord | undefined>
  /**
   * Atomically: if the token `tokenHash` is unused and its family not revoked, marks it used at `at`, records its
   * successor's hash and saves `successor` (`'rotated'`); otherwise changes nothing and says why (`'used'`: someone
   * rotated it first; `'revoked'`; `'unknown'`). Two instances rotating one token: exactly one gets `'rotated'`.
   */
  rotateRefreshToken(tokenHash: string, at: number, successor: RefreshTokenRecord): Promise<RotateOutcome>

  /**
   * Denies an access token id until `expiresAt` (epoch ms, when the token would expire anyway; the entry expires
   * then) and publishes it to the verifiers.
   */
  denyAccessToken(jti: string, expiresAt: number): Promise<void>
  /** One store round trip: what a verifier without a cache (or one past its staleness bound) asks. */
  isAccessTokenDenied(jti: string, now: number): Promise<boolean>
  /** Every revocation in force at `now`: what a verifier (re-)reads when its feed (re)connects. */
  revocations(now: number): Promise<RevocationSnapshot>

  /** Drops expired refresh tokens, denylist entries and version entries, and families with no tokens left. */
  pruneExpired(now: number): Promise<void>
  /** Releases connections and timers. */
  close(): Promise<void>
}

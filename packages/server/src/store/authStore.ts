/**
 * The one persistence contract of `@tokenlife/server`. Every implementation (the in-process {@link MemoryStore},
 * the Redis store of `@tokenlife/server/redis`) passes the same contract test suite. Methods that decide a race are
 * atomic in every implementation: {@link AuthStore.rotateRefreshToken} above all, which two server instances may
 * call at once with the same token.
 */

/** An account. Only a hash of the password is stored. */
export interface User {
  id: string
  /** Normalized (trimmed, lower case); unique. */
  email: string
  name: string
  passwordHash: string
  /** The change-detection marker: bumped on password change and "log out everywhere". */
  tokenVersion: number
}

/** A chain of rotated refresh tokens that started with one login: a session. Revoking it ends that session. */
export interface TokenFamily {
  id: string
  userId: string
  /** The user's `tokenVersion` when the family was created; checked at every refresh. */
  tokenVersion: number
  /** Epoch ms of the login; the session's absolute end is counted from it. */
  createdAt: number
  /** Epoch ms, or `null` while the family is alive. */
  revokedAt: number | null
  revokedReason: string | null
  /**
   * DPoP (RFC 9449): the thumbprint of the key the family's tokens are bound to; only a proof by that key refreshes
   * it. `null` or absent: bearer tokens (a login without a proof).
   */
  jkt?: string | null
}

/** One refresh token. Only a hash of the token is stored. */
export interface RefreshTokenRecord {
  tokenHash: string
  familyId: string
  userId: string
  issuedAt: number
  expiresAt: number
  /** Epoch ms when it was exchanged for its successor; presenting it again is reuse (or, in the retry window, a retry). */
  usedAt: number | null
  /** A random value; the successor is derived from the token and this (see `deriveSuccessor`), so a retry gets the same. */
  seed: string
  /** The hash of the token that replaced this one, once it was rotated. */
  successorHash: string | null
}

/** What {@link AuthStore.rotateRefreshToken} did. */
export type RotateOutcome = 'rotated' | 'used' | 'revoked' | 'unknown'

/** A revocation that API servers must learn of: a denied access token, or a user's token version that moved. */
export type RevocationChange =
  | { type: 'denied'; jti: string; expiresAt: number }
  | {
      type: 'version'
      userId: string
      version: number
      /** Epoch ms after which no access token at an older version can still be unexpired: the entry may go. */
      until: number
    }

/** Every revocation still in force: the denylist and the recent version bumps. */
export interface RevocationSnapshot {
  denied: Array<{ jti: string; expiresAt: number }>
  versions: Array<{ userId: string; version: number; until: number }>
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
  /** Starts listening; returns the function that stops. `connected` is called once the feed is live. */
  subscribe(listener: FeedListener): () => void
  /**
   * Resolves once every change published before the call has been delivered to the listeners (a heartbeat through
   * the feed's own connection); rejects when the feed is down. Verifiers measure their staleness by it.
   */
  heartbeat(): Promise<void>
}

/** The store behind the issuer and the verifiers. See the module comment for what must be atomic. */
export interface AuthStore extends ChangeFeed {
  findUserByEmail(email: string): Promise<User | undefined>
  findUserById(id: string): Promise<User | undefined>
  /** Throws when the email is taken. */
  createUser(user: User): Promise<void>
  updatePasswordHash(userId: string, passwordHash: string): Promise<void>
  /**
   * Increments the user's token version, returns the new one, and publishes it to the verifiers, who refuse older
   * access tokens of the user until `until` (epoch ms: when every access token issued before now has expired).
   * Throws when there is no such user.
   */
  bumpTokenVersion(userId: string, until: number): Promise<number>

  createFamily(family: TokenFamily): Promise<void>
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

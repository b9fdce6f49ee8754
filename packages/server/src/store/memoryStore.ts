import { codedError } from '../diagnostics/diagnostic'
import type {
  AuthStore,
  FeedListener,
  RefreshTokenRecord,
  RevocationChange,
  RevocationSnapshot,
  RotateOutcome,
  TokenFamily,
  User,
} from './authStore'

/**
 * The store of one process (the default): everything in `Map`s, lost on restart. Single-threaded JavaScript makes
 * each method atomic; its change feed delivers synchronously and is never down. Behind several instances use the
 * Redis store (`@tokenlife/server/redis`): two processes on two `MemoryStore`s do not see each other's sessions.
 *
 * Its maps are public for tests and tools (seeding users, counting sessions); the issuer and verifiers use only the
 * {@link AuthStore} methods. Call `pruneExpired(Date.now())` now and then (e.g. every minute) to drop what expired.
 *
 * @example
 * ```ts
 * const store = new MemoryStore()
 * await createUser(store, { email: 'ada@example.com', password: 'correct horse battery', name: 'Ada' })
 * const issuer = new Issuer({ store, keys: createSecretKeyRing(randomSecret()), issuer: 'https://auth.example.com', audience: 'api' })
 * ```
 */
export class MemoryStore implements AuthStore {
  /** Users by {@link User.id}. */
  readonly users = new Map<string, User>()
  /** Token families (sessions) by {@link TokenFamily.id}, revoked ones included until their last token expires. */
  readonly families = new Map<string, TokenFamily>()
  /** Refresh-token records by {@link RefreshTokenRecord.tokenHash}, used ones included until they expire. */
  readonly refreshTokens = new Map<string, RefreshTokenRecord>()
  /** Denied access-token ids → when the token expires (epoch ms). */
  readonly deniedAccessTokens = new Map<string, number>()
  /** Recent version bumps, for verifiers: user id → the version and until when older tokens may still be out. */
  readonly versionBumps = new Map<
    string,
    {
      /** The user's token version after the bump. */
      version: number
      /** Epoch ms after which no older access token can still be unexpired. */
      until: number
    }
  >()
  /** DPoP proof ids seen → until when they are kept (epoch ms). */
  readonly dpopProofs = new Map<string, number>()
  readonly #listeners = new Set<FeedListener>()

  async findUserByEmail(email: string): Promise<User | undefined> {
    for (const user of this.users.values()) if (user.email === email) return { ...user }
    return undefined
  }

  async findUserById(id: string): Promise<User | undefined> {
    const user = this.users.get(id)
    return user && { ...user }
  }

  async createUser(user: User): Promise<void> {
    for (const known of this.users.values()) if (known.email === user.email) throw codedError('TL621', user.email)
    this.users.set(user.id, { ...user })
  }

  async updatePasswordHash(userId: string, passwordHash: string): Promise<void> {
    const user = this.users.get(userId)
    if (user) user.passwordHash = passwordHash
  }

  async bumpTokenVersion(userId: string, until: number): Promise<number> {
    const user = this.users.get(userId)
    if (!user) throw codedError('TL622', userId)
    user.tokenVersion += 1
    this.versionBumps.set(userId, { version: user.tokenVersion, until })
    this.#publish({ type: 'version', userId, version: user.tokenVersion, until })
    return user.tokenVersion
  }

  async createFamily(family: TokenFamily): Promise<void> {
    this.families.set(family.id, { ...family })
  }

  async bindFamilyKey(id: string, jkt: string): Promise<string | undefined> {
    const family = this.families.get(id)
    if (!family) return undefined
    family.jkt ??= jkt
    return family.jkt
  }

  async useDpopProof(id: string, expiresAt: number): Promise<boolean> {
    if (this.dpopProofs.has(id)) return false
    // Bounded without a timer: when it grows, ids past their time go (pruneExpired does too). A proof that old is
    // refused for its iat anyway.
    if (this.dpopProofs.size > 10_000) for (const [seen, until] of this.dpopProofs) if (until <= Date.now()) this.dpopProofs.delete(seen)
    this.dpopProofs.set(id, expiresAt)
    return true
  }

  async getFamily(id: string): Promise<TokenFamily | undefined> {
    const family = this.families.get(id)
    return family && { ...family }
  }

  async revokeFamily(id: string, at: number, reason: string): Promise<void> {
    revoke(this.families.get(id), at, reason)
  }

  async revokeUserFamilies(userId: string, at: number, reason: string): Promise<number> {
    let count = 0
    for (const family of this.families.values()) if (family.userId === userId && revoke(family, at, reason)) count += 1
    return count
  }

  async saveRefreshToken(record: RefreshTokenRecord): Promise<void> {
    this.refreshTokens.set(record.tokenHash, { ...record })
  }

  async getRefreshToken(tokenHash: string): Promise<RefreshTokenRecord | undefined> {
    const record = this.refreshTokens.get(tokenHash)
    return record && { ...record }
  }

  async rotateRefreshToken(tokenHash: string, at: number, successor: RefreshTokenRecord): Promise<RotateOutcome> {
    const record = this.refreshTokens.get(tokenHash)
    if (!record) return 'unknown'
    if (record.usedAt !== null) return 'used'
    if (this.families.get(record.familyId)?.revokedAt !== null) return 'revoked'
    record.usedAt = at
    record.successorHash = successor.tokenHash
    this.refreshTokens.set(successor.tokenHash, { ...successor })
    return 'rotated'
  }

  async denyAccessToken(jti: string, expiresAt: number): Promise<void> {
    const until = Math.max(expiresAt, this.deniedAccessTokens.get(jti) ?? 0)
    this.deniedAccessTokens.set(jti, until)
    this.#publish({ type: 'denied', jti, expiresAt: until })
  }

  async isAccessTokenDenied(jti: string, now: number): Promise<boolean> {
    const expiresAt = this.deniedAccessTokens.get(jti)
    return expiresAt !== undefined && expiresAt > now
  }

  async revocations(now: number): Promise<RevocationSnapshot> {
    const denied = [...this.deniedAccessTokens].filter(([, expiresAt]) => expiresAt > now)
    const versions = [...this.versionBumps].filter(([, bump]) => bump.until > now)
    return {
      denied: denied.map(([jti, expiresAt]) => ({ jti, expiresAt })),
      versions: versions.map(([userId, bump]) => ({ userId, ...bump })),
    }
  }

  async pruneExpired(now: number): Promise<void> {
    for (const [id, until] of this.dpopProofs) if (until <= now) this.dpopProofs.delete(id)
    for (const [jti, expiresAt] of this.deniedAccessTokens) if (expiresAt <= now) this.deniedAccessTokens.delete(jti)
    for (const [userId, bump] of this.versionBumps) if (bump.until <= now) this.versionBumps.delete(userId)
    const liveFamilies = new Set<string>()
    for (const [hash, record] of this.refreshTokens) {
      if (record.expiresAt <= now) this.refreshTokens.delete(hash)
      else liveFamilies.add(record.familyId)
    }
    // A family is created just before its first token is saved: keep young ones.
    for (const [id, family] of this.families) {
      if (!liveFamilies.has(id) && family.createdAt < now - 60_000) this.families.delete(id)
    }
  }

  subscribe(listener: FeedListener): () => void {
    this.#listeners.add(listener)
    queueMicrotask(() => {
      if (this.#listeners.has(listener)) listener.connected()
    })
    return () => void this.#listeners.delete(listener)
  }

  async heartbeat(): Promise<void> {}

  async close(): Promise<void> {
    this.#listeners.clear()
  }

  #publish(change: RevocationChange): void {
    for (const listener of this.#listeners) listener.change(change)
  }
}

/** Revokes a live family; `false` when there is none or it already was revoked (the first reason wins). */
function revoke(family: TokenFamily | undefined, at: number, reason: string): boolean {
  if (!family || family.revokedAt !== null) return false
  family.revokedAt = at
  family.revokedReason = reason
  return true
}

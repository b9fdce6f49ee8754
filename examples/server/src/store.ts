/**
 * Persistence for the example server, behind a small async interface so a Redis or SQL implementation can replace
 * the in-memory one. Every method that decides a race (rotating a refresh token) must be atomic in the real store:
 * `markRefreshTokenUsed` is a compare-and-set.
 */

export interface User {
  id: string
  email: string
  name: string
  passwordHash: string
  /** The change-detection marker: bumped on password change and "log out everywhere". */
  tokenVersion: number
}

/** A chain of rotated refresh tokens that started with one login. Revoking it ends that session. */
export interface TokenFamily {
  id: string
  userId: string
  /** The user's `tokenVersion` when the family was created; checked at every refresh. */
  tokenVersion: number
  createdAt: number
  /** Epoch ms, or `null` while the family is alive. */
  revokedAt: number | null
  revokedReason: string | null
}

/** One refresh token. Only a hash of the token is stored. */
export interface RefreshTokenRecord {
  tokenHash: string
  familyId: string
  userId: string
  issuedAt: number
  expiresAt: number
  /** Epoch ms when it was exchanged for a new one; a second exchange is reuse. */
  usedAt: number | null
}

export interface AuthStore {
  findUserByEmail(email: string): Promise<User | undefined>
  findUserById(id: string): Promise<User | undefined>
  createUser(user: User): Promise<void>
  updatePasswordHash(userId: string, passwordHash: string): Promise<void>
  /** Increments the user's token version and returns the new value. */
  bumpTokenVersion(userId: string): Promise<number>

  createFamily(family: TokenFamily): Promise<void>
  getFamily(id: string): Promise<TokenFamily | undefined>
  /** Revokes one family; a no-op when it is already revoked (the first reason wins). */
  revokeFamily(id: string, at: number, reason: string): Promise<void>
  /** Revokes every live family of a user and returns how many it revoked. */
  revokeUserFamilies(userId: string, at: number, reason: string): Promise<number>

  saveRefreshToken(record: RefreshTokenRecord): Promise<void>
  getRefreshToken(tokenHash: string): Promise<RefreshTokenRecord | undefined>
  /** Atomically marks a token used; returns `false` when it already was (someone else rotated it first). */
  markRefreshTokenUsed(tokenHash: string, at: number): Promise<boolean>

  /** Adds an access token id to the denylist until `expiresAt` (epoch ms), when the token would expire anyway. */
  denyAccessToken(jti: string, expiresAt: number): Promise<void>
  isAccessTokenDenied(jti: string, now: number): Promise<boolean>

  /** Drops expired refresh tokens, denylist entries and families with no tokens left. */
  pruneExpired(now: number): Promise<void>
}

/** A process-local store. Single-threaded JavaScript makes each method atomic. */
export class InMemoryAuthStore implements AuthStore {
  readonly users = new Map<string, User>()
  readonly families = new Map<string, TokenFamily>()
  readonly refreshTokens = new Map<string, RefreshTokenRecord>()
  readonly deniedAccessTokens = new Map<string, number>()

  async findUserByEmail(email: string): Promise<User | undefined> {
    for (const user of this.users.values()) if (user.email === email) return { ...user }
    return undefined
  }

  async findUserById(id: string): Promise<User | undefined> {
    const user = this.users.get(id)
    return user && { ...user }
  }

  async createUser(user: User): Promise<void> {
    if (await this.findUserByEmail(user.email)) throw new Error(`user ${user.email} already exists`)
    this.users.set(user.id, { ...user })
  }

  async updatePasswordHash(userId: string, passwordHash: string): Promise<void> {
    const user = this.users.get(userId)
    if (user) user.passwordHash = passwordHash
  }

  async bumpTokenVersion(userId: string): Promise<number> {
    const user = this.users.get(userId)
    if (!user) throw new Error(`no user ${userId}`)
    user.tokenVersion += 1
    return user.tokenVersion
  }

  async createFamily(family: TokenFamily): Promise<void> {
    this.families.set(family.id, { ...family })
  }

  async getFamily(id: string): Promise<TokenFamily | undefined> {
    const family = this.families.get(id)
    return family && { ...family }
  }

  async revokeFamily(id: string, at: number, reason: string): Promise<void> {
    const family = this.families.get(id)
    if (family && family.revokedAt === null) {
      family.revokedAt = at
      family.revokedReason = reason
    }
  }

  async revokeUserFamilies(userId: string, at: number, reason: string): Promise<number> {
    let count = 0
    for (const family of this.families.values()) {
      if (family.userId === userId && family.revokedAt === null) {
        family.revokedAt = at
        family.revokedReason = reason
        count += 1
      }
    }
    return count
  }

  async saveRefreshToken(record: RefreshTokenRecord): Promise<void> {
    this.refreshTokens.set(record.tokenHash, { ...record })
  }

  async getRefreshToken(tokenHash: string): Promise<RefreshTokenRecord | undefined> {
    const record = this.refreshTokens.get(tokenHash)
    return record && { ...record }
  }

  async markRefreshTokenUsed(tokenHash: string, at: number): Promise<boolean> {
    const record = this.refreshTokens.get(tokenHash)
    if (!record || record.usedAt !== null) return false
    record.usedAt = at
    return true
  }

  async denyAccessToken(jti: string, expiresAt: number): Promise<void> {
    this.deniedAccessTokens.set(jti, Math.max(expiresAt, this.deniedAccessTokens.get(jti) ?? 0))
  }

  async isAccessTokenDenied(jti: string, now: number): Promise<boolean> {
    const expiresAt = this.deniedAccessTokens.get(jti)
    if (expiresAt === undefined) return false
    if (expiresAt <= now) {
      this.deniedAccessTokens.delete(jti)
      return false
    }
    return true
  }

  async pruneExpired(now: number): Promise<void> {
    for (const [jti, expiresAt] of this.deniedAccessTokens) if (expiresAt <= now) this.deniedAccessTokens.delete(jti)
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
}

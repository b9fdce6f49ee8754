import { randomUUID } from 'node:crypto'
import type { ScryptParams } from './passwords'
import { DEFAULT_SCRYPT_PARAMS, getDummyHash, hashPassword, verifyPassword } from './passwords'
import type { AuthStore, User } from './store'
import type { AccessTokenClaims, AccessTokens } from './tokens'
import { generateRefreshToken, hashRefreshToken } from './tokens'

/** A freshly issued access + refresh token pair. */
export interface TokenPair {
  accessToken: string
  /** Access-token lifetime, seconds. */
  expiresIn: number
  refreshToken: string
  /** Refresh-token lifetime, seconds. */
  refreshExpiresIn: number
  familyId: string
}

export type RefreshFailureReason = 'unknown' | 'expired' | 'revoked' | 'reuse' | 'version_changed'

/**
 * What a presented refresh token is, for logout: `current` (would refresh now), `rotated` (already exchanged: a
 * replay of it is reuse), `ended` (revoked family, expired, or at an old token version), `unknown`.
 */
export type RefreshTokenStatus =
  | { status: 'current' | 'rotated' | 'ended'; userId: string; familyId: string }
  | { status: 'unknown' }

export type RefreshResult =
  | { ok: true; pair: TokenPair }
  | { ok: false; reason: RefreshFailureReason; description: string; familyId?: string }

/**
 * Session rules, free of HTTP: login, rotating refresh tokens in families with reuse detection, the per-user token
 * version (change-detection marker), revocation.
 */
export class Sessions {
  readonly #store: AuthStore
  readonly #tokens: AccessTokens
  readonly #refreshTtlSeconds: number
  readonly #maxAgeSeconds: number
  readonly #now: () => number
  readonly #scrypt: ScryptParams

  constructor(options: {
    store: AuthStore
    tokens: AccessTokens
    /** Lifetime of each refresh token; sliding: every rotation issues one that lives this long again. */
    refreshTokenTtlSeconds: number
    /** Absolute cap on a session (a token family) from its login, however often it rotates. Default: 30 days. */
    sessionMaxAgeSeconds?: number
    now: () => number
    scrypt?: ScryptParams
  }) {
    this.#store = options.store
    this.#tokens = options.tokens
    this.#refreshTtlSeconds = options.refreshTokenTtlSeconds
    this.#maxAgeSeconds = options.sessionMaxAgeSeconds ?? DEFAULT_SESSION_MAX_AGE_SECONDS
    this.#now = options.now
    this.#scrypt = options.scrypt ?? DEFAULT_SCRYPT_PARAMS
  }

  /** The user with these credentials, or `undefined`. Takes about as long for an unknown email. */
  async authenticate(email: string, password: string): Promise<User | undefined> {
    const user = await this.#store.findUserByEmail(normalizeEmail(email))
    if (!user) {
      await verifyPassword(password, await getDummyHash(this.#scrypt))
      return undefined
    }
    return (await verifyPassword(password, user.passwordHash)) ? user : undefined
  }

  /** Starts a session: a new token family at the user's current token version. */
  async issue(user: User): Promise<TokenPair> {
    const familyId = randomUUID()
    await this.#store.createFamily({
      id: familyId,
      userId: user.id,
      tokenVersion: user.tokenVersion,
      createdAt: this.#now(),
      revokedAt: null,
      revokedReason: null,
    })
    return this.#issueInFamily(user, { id: familyId, createdAt: this.#now() })
  }

  /** Exchanges a refresh token for a new pair in the same family, enforcing rotation, reuse detection and version. */
  async refresh(refreshToken: string): Promise<RefreshResult> {
    const now = this.#now()
    const tokenHash = hashRefreshToken(refreshToken)
    const record = await this.#store.getRefreshToken(tokenHash)
    const family = record && (await this.#store.getFamily(record.familyId))
    if (!record || !family) return { ok: false, reason: 'unknown', description: 'refresh token is invalid' }
    const familyId = family.id

    if (record.usedAt !== null) return this.#reuse(familyId)
    if (family.revokedAt !== null) {
      return { ok: false, reason: 'revoked', description: 'refresh token has been revoked', familyId }
    }
    // Before the token's own expiry, which is capped at the session's end: say which limit it was.
    if (now >= this.#sessionEnd(family)) {
      await this.#store.revokeFamily(familyId, now, 'session reached its maximum age')
      return { ok: false, reason: 'expired', description: 'session reached its maximum age: sign in again', familyId }
    }
    if (record.expiresAt <= now) return { ok: false, reason: 'expired', description: 'refresh token expired', familyId }

    const user = await this.#store.findUserById(record.userId)
    if (!user) {
      await this.#store.revokeFamily(familyId, now, 'user deleted')
      return { ok: false, reason: 'revoked', description: 'refresh token has been revoked', familyId }
    }
    if (user.tokenVersion !== family.tokenVersion) {
      await this.#store.revokeFamily(familyId, now, 'token version changed')
      return { ok: false, reason: 'version_changed', description: 'token version changed', familyId }
    }
    // The compare-and-set decides a race between two requests presenting the same token: the loser is reuse.
    if (!(await this.#store.markRefreshTokenUsed(tokenHash, now))) return this.#reuse(familyId)
    return { ok: true, pair: await this.#issueInFamily(user, family) }
  }

  /** Classifies a refresh token without using it (see {@link RefreshTokenStatus}). */
  async inspectRefreshToken(refreshToken: string): Promise<RefreshTokenStatus> {
    const record = await this.#store.getRefreshToken(hashRefreshToken(refreshToken))
    const family = record && (await this.#store.getFamily(record.familyId))
    if (!record || !family) return { status: 'unknown' }
    const found = { userId: record.userId, familyId: family.id }
    if (record.usedAt !== null) return { status: 'rotated', ...found }
    const now = this.#now()
    const user = await this.#store.findUserById(record.userId)
    const ended =
      family.revokedAt !== null ||
      record.expiresAt <= now ||
      now >= this.#sessionEnd(family) ||
      !user ||
      user.tokenVersion !== family.tokenVersion
    return { status: ended ? 'ended' : 'current', ...found }
  }

  /** Revokes a token family (a no-op when it already is revoked). */
  async revokeFamily(familyId: string, reason: string): Promise<void> {
    await this.#store.revokeFamily(familyId, this.#now(), reason)
  }

  /** The user's current token version, or `undefined` when there is no such user. */
  async currentTokenVersion(userId: string): Promise<number | undefined> {
    return (await this.#store.findUserById(userId))?.tokenVersion
  }

  /** Puts an access token on the denylist until it expires. */
  async denyAccessToken(claims: AccessTokenClaims): Promise<void> {
    await this.#store.denyAccessToken(claims.jti, claims.exp * 1000)
  }

  async isAccessTokenDenied(claims: AccessTokenClaims): Promise<boolean> {
    return this.#store.isAccessTokenDenied(claims.jti, this.#now())
  }

  /** Ends every session of a user: bumps the token version and revokes all families. */
  async endAllSessions(userId: string, reason: string): Promise<void> {
    if (!(await this.#store.findUserById(userId))) return
    await this.#store.bumpTokenVersion(userId)
    await this.#store.revokeUserFamilies(userId, this.#now(), reason)
  }

  /**
   * Changes the password and bumps the token version, so every other session ends at its next refresh; returns a
   * fresh pair at the new version for the caller, or `undefined` when the current password is wrong.
   */
  async changePassword(userId: string, currentPassword: string, newPassword: string): Promise<TokenPair | undefined> {
    const user = await this.#store.findUserById(userId)
    if (!user || !(await verifyPassword(currentPassword, user.passwordHash))) return undefined
    await this.#store.updatePasswordHash(userId, await hashPassword(newPassword, this.#scrypt))
    const tokenVersion = await this.#store.bumpTokenVersion(userId)
    return this.issue({ ...user, tokenVersion })
  }

  async #reuse(familyId: string): Promise<RefreshResult> {
    await this.#store.revokeFamily(familyId, this.#now(), 'refresh token reuse')
    return { ok: false, reason: 'reuse', description: 'refresh token reuse detected', familyId }
  }

  /** Epoch ms when the family may no longer be refreshed, however recently it rotated. */
  #sessionEnd(family: { createdAt: number }): number {
    return family.createdAt + this.#maxAgeSeconds * 1000
  }

  async #issueInFamily(user: User, family: { id: string; createdAt: number }): Promise<TokenPair> {
    const now = this.#now()
    // Sliding, but never past the session's absolute end.
    const expiresAt = Math.min(now + this.#refreshTtlSeconds * 1000, this.#sessionEnd(family))
    const refreshToken = generateRefreshToken()
    await this.#store.saveRefreshToken({
      tokenHash: hashRefreshToken(refreshToken),
      familyId: family.id,
      userId: user.id,
      issuedAt: now,
      expiresAt,
      usedAt: null,
    })
    const { token } = await this.#tokens.sign(user)
    return {
      accessToken: token,
      expiresIn: this.#tokens.ttlSeconds,
      refreshToken,
      refreshExpiresIn: Math.max(1, Math.floor((expiresAt - now) / 1000)),
      familyId: family.id,
    }
  }
}

/** The default absolute cap on a session: 30 days from its login. */
export const DEFAULT_SESSION_MAX_AGE_SECONDS = 30 * 24 * 3600

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase()
}

/** Creates a user with a hashed password at token version 0. */
export async function createUser(
  store: AuthStore,
  input: { email: string; password: string; name: string },
  scrypt: ScryptParams = DEFAULT_SCRYPT_PARAMS,
): Promise<User> {
  const user: User = {
    id: randomUUID(),
    email: normalizeEmail(input.email),
    name: input.name,
    passwordHash: await hashPassword(input.password, scrypt),
    tokenVersion: 0,
  }
  await store.createUser(user)
  return user
}

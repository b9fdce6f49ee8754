import { randomUUID } from 'node:crypto'
import { invalid } from './diagnostics/diagnostic'
import { positiveSeconds } from './options'
import type { ScryptParams } from './passwords'
import { DEFAULT_SCRYPT_PARAMS, getDummyHash, hashPassword, verifyPassword } from './passwords'
import type { AuthStore, RefreshTokenRecord, TokenFamily, User } from './store/authStore'
import type { AccessTokenClaims, SignatureCheck } from './tokens/accessTokens'
import { checkSignature } from './tokens/accessTokens'
import type { KeyRing } from './tokens/keyRing'
import { deriveSuccessor, generateRefreshToken, generateSeed, hashRefreshToken } from './tokens/refreshTokens'
import { normalizeEmail } from './users'

/** A freshly issued access + refresh token pair. */
export interface TokenPair {
  accessToken: string
  /** Access-token lifetime, seconds. */
  expiresIn: number
  refreshToken: string
  /** Refresh-token lifetime, seconds (never past the session's absolute end). */
  refreshExpiresIn: number
  familyId: string
}

/** Why a refresh was refused. */
export type RefreshFailureReason = 'unknown' | 'expired' | 'revoked' | 'reuse' | 'version_changed'

/** The outcome of {@link Issuer.refresh}. `retried`: the token was presented again within the retry window. */
export type RefreshResult =
  | { ok: true; pair: TokenPair; retried: boolean }
  | { ok: false; reason: RefreshFailureReason; description: string; familyId?: string }

/**
 * What a presented refresh token is, without using it: `current` (would refresh now), `rotated` (already exchanged:
 * presenting it again is reuse), `ended` (revoked family, expired, or at an old token version), `unknown`.
 */
export type RefreshTokenStatus =
  | { status: 'current' | 'rotated' | 'ended'; userId: string; familyId: string }
  | { status: 'unknown' }

/** Options of {@link Issuer}. Times are seconds. */
export interface IssuerOptions {
  store: AuthStore
  /** Signs the access tokens (see `createKeyRing`, `createSecretKeyRing`). */
  keys: KeyRing
  /** The `iss` claim. */
  issuer: string
  /** The `aud` claim: the API the tokens are for. */
  audience: string
  /** Access-token lifetime. Default: 300. */
  accessTokenTtlSeconds?: number
  /** Refresh-token lifetime; sliding (each rotation starts it again). Default: 7 days. */
  refreshTokenTtlSeconds?: number
  /** Absolute cap on a session from its login, however often it rotates. Default: 30 days. */
  sessionMaxAgeSeconds?: number
  /**
   * The idempotent retry window: a refresh token presented again within this many seconds of its rotation, while
   * its successor is unused and the session alive, is answered with the same successor instead of revoking the
   * session as reuse. It is what saves a session whose page was closed or reloaded mid-refresh (above all in storage
   * mode, where the answer dies with the page); it also lets a thief who copied a token use it for that long after
   * it was rotated. `0` (the default) turns it off. See docs/server.md, "The retry window".
   */
  retryWindowSeconds?: number
  /** Extra claims of a user's access tokens. Default: `{ email, name }`. */
  claims?: (user: User) => Record<string, unknown>
  /** scrypt parameters for passwords. Default: N = 2^17, r = 8, p = 1. */
  scrypt?: ScryptParams
  /** The clock, epoch ms. Default: `Date.now`. */
  now?: () => number
}

/** Tokens at an old version may be out this long past the access-token lifetime (clock skew between instances). */
const VERSION_SKEW_MS = 60_000

/**
 * The session rules, free of HTTP: login, rotating refresh tokens in families with reuse detection (the whole
 * family dies), the optional retry window, the per-user token version, the absolute session cap, the denylist.
 * Every instance of a deployment runs one, on one shared store.
 */
export class Issuer {
  readonly store: AuthStore
  readonly keys: KeyRing
  readonly issuer: string
  readonly audience: string
  readonly accessTokenTtlSeconds: number
  readonly refreshTokenTtlSeconds: number
  readonly sessionMaxAgeSeconds: number
  readonly retryWindowSeconds: number
  readonly scrypt: ScryptParams
  readonly now: () => number
  readonly #claims: (user: User) => Record<string, unknown>

  constructor(options: IssuerOptions) {
    if (!options.issuer || !options.audience) invalid('TL601', 'issuer')
    this.store = options.store
    this.keys = options.keys
    this.issuer = options.issuer
    this.audience = options.audience
    this.accessTokenTtlSeconds = positiveSeconds('accessTokenTtlSeconds', options.accessTokenTtlSeconds ?? 300)
    this.refreshTokenTtlSeconds = positiveSeconds('refreshTokenTtlSeconds', options.refreshTokenTtlSeconds ?? 7 * 86_400)
    this.sessionMaxAgeSeconds = positiveSeconds('sessionMaxAgeSeconds', options.sessionMaxAgeSeconds ?? 30 * 86_400)
    this.retryWindowSeconds = positiveSeconds('retryWindowSeconds', options.retryWindowSeconds ?? 0, { zero: true })
    this.scrypt = options.scrypt ?? DEFAULT_SCRYPT_PARAMS
    this.now = options.now ?? Date.now
    this.#claims = options.claims ?? ((user) => ({ email: user.email, name: user.name }))
  }

  /** The user with these credentials, or `undefined`. Takes about as long for an unknown email. */
  async authenticate(email: string, password: string): Promise<User | undefined> {
    const user = await this.store.findUserByEmail(normalizeEmail(email))
    if (!user) {
      await verifyPassword(password, await getDummyHash(this.scrypt))
      return undefined
    }
    return (await verifyPassword(password, user.passwordHash)) ? user : undefined
  }

  /** Starts a session (a new token family at the user's current token version) and issues its first pair. */
  async startSession(user: User): Promise<TokenPair> {
    const now = this.now()
    const family: TokenFamily = { id: randomUUID(), userId: user.id, tokenVersion: user.tokenVersion, createdAt: now, revokedAt: null, revokedReason: null }
    await this.store.createFamily(family)
    const refreshToken = generateRefreshToken()
    const record = this.#record(refreshToken, family, now)
    await this.store.saveRefreshToken(record)
    return this.#pair(user, family.id, refreshToken, record.expiresAt)
  }

  /**
   * Exchanges a refresh token for a new pair in the same family: rotation (atomic in the store), reuse detection,
   * the retry window, the token version, expiry and the session cap.
   */
  async refresh(refreshToken: string): Promise<RefreshResult> {
    const now = this.now()
    const tokenHash = hashRefreshToken(refreshToken)
    const record = await this.store.getRefreshToken(tokenHash)
    const family = record && (await this.store.getFamily(record.familyId))
    if (!record || !family) return { ok: false, reason: 'unknown', description: 'refresh token is invalid' }
    const familyId = family.id
    if (record.usedAt !== null) return this.#presentedAgain(refreshToken, record, family, now)
    if (family.revokedAt !== null) return { ok: false, reason: 'revoked', description: 'refresh token has been revoked', familyId }
    // Before the token's own expiry, which is capped at the session's end: say which limit it was.
    if (now >= this.#sessionEnd(family)) {
      await this.store.revokeFamily(familyId, now, 'session reached its maximum age')
      return { ok: false, reason: 'expired', description: 'session reached its maximum age: sign in again', familyId }
    }
    if (record.expiresAt <= now) return { ok: false, reason: 'expired', description: 'refresh token expired', familyId }
    const user = await this.store.findUserById(record.userId)
    if (!user) {
      await this.store.revokeFamily(familyId, now, 'user deleted')
      return { ok: false, reason: 'revoked', description: 'refresh token has been revoked', familyId }
    }
    if (user.tokenVersion !== family.tokenVersion) {
      await this.store.revokeFamily(familyId, now, 'token version changed')
      return { ok: false, reason: 'version_changed', description: 'token version changed', familyId }
    }
    const successor = deriveSuccessor(refreshToken, record.seed)
    const next = this.#record(successor, family, now)
    // The store decides a race between two requests (two instances) presenting the same token.
    const outcome = await this.store.rotateRefreshToken(tokenHash, now, next)
    if (outcome === 'rotated') return { ok: true, pair: await this.#pair(user, familyId, successor, next.expiresAt), retried: false }
    if (outcome === 'revoked') return { ok: false, reason: 'revoked', description: 'refresh token has been revoked', familyId }
    const rotated = await this.store.getRefreshToken(tokenHash)
    if (outcome === 'unknown' || !rotated) return { ok: false, reason: 'unknown', description: 'refresh token is invalid' }
    return this.#presentedAgain(refreshToken, rotated, family, now)
  }

  /** Classifies a refresh token without using it (see {@link RefreshTokenStatus}). */
  async inspectRefreshToken(refreshToken: string): Promise<RefreshTokenStatus> {
    const record = await this.store.getRefreshToken(hashRefreshToken(refreshToken))
    const family = record && (await this.store.getFamily(record.familyId))
    if (!record || !family) return { status: 'unknown' }
    const found = { userId: record.userId, familyId: family.id }
    if (record.usedAt !== null) return { status: 'rotated', ...found }
    const now = this.now()
    const user = await this.store.findUserById(record.userId)
    const ended =
      family.revokedAt !== null || record.expiresAt <= now || now >= this.#sessionEnd(family) || !user || user.tokenVersion !== family.tokenVersion
    return { status: ended ? 'ended' : 'current', ...found }
  }

  /** Revokes a token family: ends one session (a no-op when it already ended). */
  async revokeFamily(familyId: string, reason: string): Promise<void> {
    await this.store.revokeFamily(familyId, this.now(), reason)
  }

  /** The user's current token version, or `undefined` when there is no such user. */
  async currentTokenVersion(userId: string): Promise<number | undefined> {
    return (await this.store.findUserById(userId))?.tokenVersion
  }

  /** Puts an access token on the denylist until it expires; every verifier learns of it through the feed. */
  async denyAccessToken(claims: Pick<AccessTokenClaims, 'jti' | 'exp'>): Promise<void> {
    await this.store.denyAccessToken(claims.jti, claims.exp * 1000)
  }

  /**
   * Bumps the user's token version: every access token issued before is refused by the verifiers (within their
   * staleness bound), and every session at the old version ends at its next refresh. Returns the new version.
   */
  async bumpTokenVersion(userId: string): Promise<number> {
    return this.store.bumpTokenVersion(userId, this.now() + this.accessTokenTtlSeconds * 1000 + VERSION_SKEW_MS)
  }

  /** Ends every session of a user ("log out everywhere"): bumps the token version and revokes every family. */
  async endAllSessions(userId: string, reason: string): Promise<void> {
    if (!(await this.store.findUserById(userId))) return
    await this.bumpTokenVersion(userId)
    await this.store.revokeUserFamilies(userId, this.now(), reason)
  }

  /**
   * Changes the password and bumps the token version (every other session ends); returns a fresh pair at the new
   * version for the caller, or `undefined` when the current password is wrong.
   */
  async changePassword(userId: string, currentPassword: string, newPassword: string): Promise<TokenPair | undefined> {
    const user = await this.store.findUserById(userId)
    if (!user || !(await verifyPassword(currentPassword, user.passwordHash))) return undefined
    await this.store.updatePasswordHash(userId, await hashPassword(newPassword, this.scrypt))
    const tokenVersion = await this.bumpTokenVersion(userId)
    return this.startSession({ ...user, tokenVersion })
  }

  /** Checks an access token's signature and claims with this issuer's keys (no revocation check: see `Verifier`). */
  checkSignature(token: string): Promise<SignatureCheck> {
    const { issuer, audience, now } = this
    return checkSignature(token, { key: this.keys.verificationKey, algorithms: this.keys.algorithms, issuer, audience, now })
  }

  /**
   * A token that was already rotated came again: inside the retry window (its successor unused, the session alive)
   * it gets that same successor; otherwise it is reuse, and the whole family is revoked.
   */
  async #presentedAgain(refreshToken: string, record: RefreshTokenRecord, family: TokenFamily, now: number): Promise<RefreshResult> {
    const windowMs = this.retryWindowSeconds * 1000
    if (windowMs > 0 && record.usedAt !== null && now - record.usedAt <= windowMs && family.revokedAt === null) {
      const successor = deriveSuccessor(refreshToken, record.seed)
      const successorHash = hashRefreshToken(successor)
      const next = successorHash === record.successorHash ? await this.store.getRefreshToken(successorHash) : undefined
      const user = next && next.usedAt === null && next.expiresAt > now ? await this.store.findUserById(record.userId) : undefined
      if (next && user && user.tokenVersion === family.tokenVersion) {
        return { ok: true, pair: await this.#pair(user, family.id, successor, next.expiresAt), retried: true }
      }
    }
    await this.store.revokeFamily(family.id, now, 'refresh token reuse')
    return { ok: false, reason: 'reuse', description: 'refresh token reuse detected', familyId: family.id }
  }

  /** Epoch ms when the family may no longer be refreshed, however recently it rotated. */
  #sessionEnd(family: { createdAt: number }): number {
    return family.createdAt + this.sessionMaxAgeSeconds * 1000
  }

  /** The record of a new refresh token of `family`: sliding expiry, never past the session's end. */
  #record(refreshToken: string, family: TokenFamily, now: number): RefreshTokenRecord {
    const expiresAt = Math.min(now + this.refreshTokenTtlSeconds * 1000, this.#sessionEnd(family))
    return { tokenHash: hashRefreshToken(refreshToken), familyId: family.id, userId: family.userId, issuedAt: now, expiresAt, usedAt: null, seed: generateSeed(), successorHash: null }
  }

  async #pair(user: User, familyId: string, refreshToken: string, refreshExpiresAt: number): Promise<TokenPair> {
    const now = this.now()
    const iat = Math.floor(now / 1000)
    const accessToken = await this.keys.sign({
      ...this.#claims(user),
      sub: user.id,
      ver: user.tokenVersion,
      jti: randomUUID(),
      iat,
      exp: iat + this.accessTokenTtlSeconds,
      iss: this.issuer,
      aud: this.audience,
    })
    const refreshExpiresIn = Math.max(1, Math.floor((refreshExpiresAt - now) / 1000))
    return { accessToken, expiresIn: this.accessTokenTtlSeconds, refreshToken, refreshExpiresIn, familyId }
  }
}

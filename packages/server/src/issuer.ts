import { randomUUID } from 'node:crypto'
import { invalid } from './diagnostics/diagnostic'
import type { IssuerOptions } from './issuerOptions'
import { positiveSeconds } from './options'
import type { ScryptParams } from './passwords'
import { DEFAULT_SCRYPT_PARAMS, getDummyHash, hashPassword, verifyPassword } from './passwords'
import type { RefreshResult, RefreshTokenStatus, TokenPair } from './refreshResult'
import type { AuthStore, RefreshTokenRecord, TokenFamily, User } from './store/authStore'
import type { AccessTokenClaims, SignatureCheck } from './tokens/accessTokens'
import { checkSignature } from './tokens/accessTokens'
import type { KeyRing } from './tokens/keyRing'
import { deriveSuccessor, generateRefreshToken, generateSeed, hashRefreshToken } from './tokens/refreshTokens'
import { normalizeEmail } from './users'

/** Tokens at an old version may be out this long past the access-token lifetime (clock skew between instances). */
const VERSION_SKEW_MS = 60_000

/**
 * The session rules, free of HTTP: login, rotating refresh tokens in families with reuse detection (the whole
 * family dies), the optional retry window, the per-user token version, the absolute session cap, the denylist.
 * Every instance of a deployment runs one, on one shared store. `createAuthHandler()` puts it behind the HTTP
 * endpoints; call it directly for your own endpoints or an admin tool.
 *
 * @example
 * ```ts
 * const issuer = new Issuer({ store, keys, issuer: 'https://auth.example.com', audience: 'api', retryWindowSeconds: 30 })
 * const user = await issuer.authenticate(email, password)
 * if (user) {
 *   const pair = await issuer.startSession(user) // { accessToken, expiresIn, refreshToken, refreshExpiresIn, familyId }
 * }
 * // later, from the client's refresh request:
 * const result = await issuer.refresh(refreshToken)
 * if (!result.ok) console.log(result.reason) // 'reuse': the whole session was revoked
 * ```
 */
export class Issuer {
  /** The store given in the options. */
  readonly store: AuthStore
  /** The key ring that signs the access tokens; its `jwks()` is what the JWKS endpoint serves. */
  readonly keys: KeyRing
  /** The `iss` claim of every access token. */
  readonly issuer: string
  /** The `aud` claim of every access token. */
  readonly audience: string
  /** Access-token lifetime, seconds (the option, or 300). */
  readonly accessTokenTtlSeconds: number
  /** Refresh-token lifetime, seconds, sliding (the option, or 7 days). */
  readonly refreshTokenTtlSeconds: number
  /** The absolute cap on a session from its login, seconds (the option, or 30 days). */
  readonly sessionMaxAgeSeconds: number
  /** The retry window, seconds; `0` when off. The handler announces it in `Tokenlife-Retry-Window`. */
  readonly retryWindowSeconds: number
  /** The scrypt cost of new password hashes. */
  readonly scrypt: ScryptParams
  /** The clock, epoch ms (the handler's rate limits use it too). */
  readonly now: () => number
  readonly #claims: (user: User) => Record<string, unknown>

  /** Checks the options: `TypeError` `TL601` without `issuer` or `audience`, `TL602` for a bad duration. */
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

  /**
   * The user with these credentials, or `undefined`. Takes about as long for an unknown email (a password hash is
   * checked either way), so timing does not tell which emails exist. Rate-limit the callers (the handler does).
   */
  async authenticate(email: string, password: string): Promise<User | undefined> {
    const user = await this.store.findUserByEmail(normalizeEmail(email))
    if (!user) {
      await verifyPassword(password, await getDummyHash(this.scrypt))
      return undefined
    }
    return (await verifyPassword(password, user.passwordHash)) ? user : undefined
  }

  /**
   * Starts a session (a new token family at the user's current token version) and issues its first pair. Call it
   * after {@link Issuer.authenticate}, or after your own sign-in (an OAuth callback, a magic link). With `jkt` (DPoP:
   * the thumbprint of the key the login's proof was signed with), the family and its tokens are bound to it.
   */
  async startSession(user: User, { jkt }: { jkt?: string } = {}): Promise<TokenPair> {
    const now = this.now()
    const family: TokenFamily = { id: randomUUID(), userId: user.id, tokenVersion: user.tokenVersion, createdAt: now, revokedAt: null, revokedReason: null, jkt: jkt ?? null }
    await this.store.createFamily(family)
    const refreshToken = generateRefreshToken()
    const record = this.#record(refreshToken, family, now)
    await this.store.saveRefreshToken(record)
    return this.#pair(user, family.id, refreshToken, record.expiresAt, jkt)
  }

  /**
   * Exchanges a refresh token for a new pair in the same family: rotation (atomic in the store, so two instances never
   * both rotate one token), reuse detection (a rotated token presented again revokes the whole family), the retry
   * window, the token version, expiry and the session cap. DPoP: a family bound to a key refreshes only with a proof
   * by that key (`jkt`); any other is refused as `key_mismatch` before anything else, the token neither used nor its
   * family revoked (whoever presents it without the key can do nothing with it). A family without a key is bound to
   * the first proof's. Never throws for a bad token: see {@link RefreshResult}; rejects only when the store fails.
   */
  async refresh(refreshToken: string, { jkt }: { jkt?: string } = {}): Promise<RefreshResult> {
    const now = this.now()
    const tokenHash = hashRefreshToken(refreshToken)
    const record = await this.store.getRefreshToken(tokenHash)
    const family = record && (await this.store.getFamily(record.familyId))
    if (!record || !family) return { ok: false, reason: 'unknown', description: 'refresh token is invalid' }
    const familyId = family.id
    const mismatch = { ok: false, reason: 'key_mismatch', description: 'the refresh token is bound to another DPoP key', familyId } as const
    if (family.jkt && family.jkt !== jkt) return mismatch
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
    // A family without a key is bound to the first proof's (a session from before DPoP), only on a rotation.
    if (!family.jkt && jkt !== undefined) {
      family.jkt = (await this.store.bindFamilyKey(familyId, jkt)) ?? null
      if (family.jkt !== jkt) return mismatch
    }
    const successor = deriveSuccessor(refreshToken, record.seed)
    const next = this.#record(successor, family, now)
    // The store decides a race between two requests (two instances) presenting the same token.
    const outcome = await this.store.rotateRefreshToken(tokenHash, now, next)
    if (outcome === 'rotated') return { ok: true, pair: await this.#pair(user, familyId, successor, next.expiresAt, family.jkt ?? undefined), retried: false }
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
    const found = { userId: record.userId, familyId: family.id, ...(family.jkt ? { jkt: family.jkt } : {}) }
    if (record.usedAt !== null) return { status: 'rotated', ...found }
    const now = this.now()
    const user = await this.store.findUserById(record.userId)
    const ended =
      family.revokedAt !== null || record.expiresAt <= now || now >= this.#sessionEnd(family) || !user || user.tokenVersion !== family.tokenVersion
    return { status: ended ? 'ended' : 'current', ...found }
  }

  /**
   * Revokes a token family: ends one session (a no-op when it already ended). Its refresh tokens are refused from now
   * on; access tokens already out live until they expire unless you also {@link Issuer.denyAccessToken} them.
   * `reason` is kept for logs ({@link TokenFamily.revokedReason}).
   */
  async revokeFamily(familyId: string, reason: string): Promise<void> {
    await this.store.revokeFamily(familyId, this.now(), reason)
  }

  /** The user's current token version, or `undefined` when there is no such user. */
  async currentTokenVersion(userId: string): Promise<number | undefined> {
    return (await this.store.findUserById(userId))?.tokenVersion
  }

  /**
   * Puts an access token on the denylist until it expires (`exp`); every verifier learns of it through the feed,
   * within its staleness bound. Pass the claims a verifier returned.
   */
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

  /**
   * Ends every session of a user ("log out everywhere"): bumps the token version (every access token out is refused
   * by the verifiers) and revokes every family with `reason`. Does nothing for an unknown user.
   */
  async endAllSessions(userId: string, reason: string): Promise<void> {
    if (!(await this.store.findUserById(userId))) return
    await this.bumpTokenVersion(userId)
    await this.store.revokeUserFamilies(userId, this.now(), reason)
  }

  /**
   * Changes the password and bumps the token version (every other session ends); returns a fresh pair at the new
   * version for the caller, or `undefined` when the current password is wrong (or there is no such user). Check
   * `newPassword`'s length and rate-limit the callers yourself (the handler does both).
   */
  async changePassword(userId: string, currentPassword: string, newPassword: string, { jkt }: { jkt?: string } = {}): Promise<TokenPair | undefined> {
    const user = await this.store.findUserById(userId)
    if (!user || !(await verifyPassword(currentPassword, user.passwordHash))) return undefined
    await this.store.updatePasswordHash(userId, await hashPassword(newPassword, this.scrypt))
    const tokenVersion = await this.bumpTokenVersion(userId)
    return this.startSession({ ...user, tokenVersion }, { jkt })
  }

  /**
   * Checks an access token's signature and claims with this issuer's keys and clock. No revocation check: for API
   * requests use a {@link Verifier}, which adds the denylist and the token version.
   */
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
        return { ok: true, pair: await this.#pair(user, family.id, successor, next.expiresAt, family.jkt ?? undefined), retried: true }
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

  async #pair(user: User, familyId: string, refreshToken: string, refreshExpiresAt: number, jkt?: string): Promise<TokenPair> {
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
      // RFC 9449 §6.1: bound to the key of the proofs.
      ...(jkt === undefined ? {} : { cnf: { jkt } }),
    })
    const refreshExpiresIn = Math.max(1, Math.floor((refreshExpiresAt - now) / 1000))
    return { accessToken, expiresIn: this.accessTokenTtlSeconds, refreshToken, refreshExpiresIn, familyId, ...(jkt === undefined ? {} : { jkt }) }
  }
}

import type { NormalizedOptions } from './options'
import { withMemoryFallback } from './storage/fallbackStorage'
import { indexedDbStorage } from './storage/indexedDbStorage'
import type { StorageAdapter } from './storage/storageAdapter'
import type { SessionStamp } from './sessionOrder'
import type { AccessTokenInfo } from './tokens'

/** A persisted access token: the token, its expiry and the stamp that orders it against logouts and siblings. */
export type PersistedAccessToken = Pick<AccessTokenInfo, 'accessToken' | 'expiresAt' | 'lifetimeMs' | 'dpopJkt'> &
  Omit<SessionStamp, 'expiresAt'> & {
    /** When the page that wrote it was to refresh it (device ms; absent in records of older versions). */
    refreshAt?: number
    /** When the session ends, if the server said (device ms). */
    sessionEndsAt?: number
    /** The session's OpenID Connect ID token, when it has one. */
    idToken?: string
  }

/**
 * What tokenlife persists, and nothing else: the refresh token (storage mode only) and, when the app opts in, the
 * access token. Every adapter falls back to memory with one warning if it throws, and `clear()` removes every key
 * tokenlife may have written from every adapter it was given.
 */
export class SessionStore {
  readonly #refreshTokens: StorageAdapter | undefined
  readonly #accessTokens: StorageAdapter | undefined
  readonly #refreshTokenKey: string
  readonly #accessTokenKey: string

  constructor(options: NormalizedOptions) {
    const warn = options.environment.warn
    const refreshStorage =
      options.refreshTokenMode === 'storage' ? (options.storage ?? indexedDbStorage()) : undefined
    this.#refreshTokens = refreshStorage && withMemoryFallback(refreshStorage, warn)
    this.#accessTokens = options.persistAccessToken && withMemoryFallback(options.persistAccessToken, warn)
    this.#refreshTokenKey = `tokenlife:${options.namespace}:refresh_token`
    this.#accessTokenKey = `tokenlife:${options.namespace}:access_token`
  }

  async readRefreshToken(): Promise<string | undefined> {
    return (await this.#refreshTokens?.get(this.#refreshTokenKey)) ?? undefined
  }

  async writeRefreshToken(refreshToken: string): Promise<void> {
    await this.#refreshTokens?.set(this.#refreshTokenKey, refreshToken)
  }

  /**
   * The persisted access token, if the app opted in and one is stored and well-formed. An entry without a stamp
   * (written by an older version) is taken as issued when its lifetime began.
   */
  async readAccessToken(): Promise<PersistedAccessToken | undefined> {
    const raw = await this.#accessTokens?.get(this.#accessTokenKey)
    if (!raw) return undefined
    try {
      const value = JSON.parse(raw) as Record<string, unknown>
      const { accessToken, expiresAt, lifetimeMs } = value
      if (typeof accessToken === 'string' && typeof expiresAt === 'number' && typeof lifetimeMs === 'number') {
        const issuedAt = expiresAt - lifetimeMs
        const startedAt = typeof value.startedAt === 'number' ? value.startedAt : issuedAt
        const requestedAt = typeof value.requestedAt === 'number' ? value.requestedAt : issuedAt
        const persisted: PersistedAccessToken = { accessToken, expiresAt, lifetimeMs, startedAt, requestedAt }
        for (const key of ['refreshAt', 'sessionEndsAt'] as const) {
          const time = value[key]
          if (typeof time === 'number' && Number.isFinite(time)) persisted[key] = time
        }
        if (typeof value.idToken === 'string') persisted.idToken = value.idToken
        if (typeof value.dpopJkt === 'string') persisted.dpopJkt = value.dpopJkt
        return persisted
      }
    } catch {
      // A corrupt entry is treated as absent; the next write replaces it.
    }
    return undefined
  }

  async writeAccessToken(session: { token: AccessTokenInfo; refreshAt: number } & Omit<SessionStamp, 'expiresAt'>): Promise<void> {
    if (!this.#accessTokens) return
    const { token, startedAt, requestedAt, refreshAt } = session
    const { accessToken, expiresAt, lifetimeMs, sessionEndsAt, identity, dpopJkt } = token
    const record = { accessToken, expiresAt, lifetimeMs, startedAt, requestedAt, refreshAt, sessionEndsAt, idToken: identity?.idToken, dpopJkt }
    await this.#accessTokens.set(this.#accessTokenKey, JSON.stringify(record))
  }

  /** Forgets the persisted access token only (one that a logout elsewhere ended). */
  async removeAccessToken(): Promise<void> {
    await this.#accessTokens?.remove(this.#accessTokenKey)
  }

  /** Removes everything tokenlife stored, from every adapter. */
  async clear(): Promise<void> {
    await Promise.all([
      this.#refreshTokens?.remove(this.#refreshTokenKey),
      this.#accessTokens?.remove(this.#accessTokenKey),
    ])
  }
}

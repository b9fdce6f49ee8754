/** Why a refresh token was refused. */
export type RefusalReason = 'unknown' | 'expired' | 'revoked' | 'reuse' | 'version_changed'

/** Why a session (a family of refresh tokens) was revoked. */
export type RevocationCause = 'logout' | 'reuse' | 'revoked-by-test'

/** One session: the refresh tokens that rotated from one sign-in. */
export interface MockSession {
  /** The session's id (the access tokens' `sid`). */
  readonly id: string
  /** The user's `sub`. */
  readonly userId: string
  /** The user's token version when the session started; a bump ends it at its next refresh. */
  readonly version: number
  /** Server time of the sign-in, epoch ms. */
  readonly startedAt: number
  /** Why it was revoked, if it was. */
  revoked?: RevocationCause
  /** How many times its refresh token rotated. */
  rotations: number
  /** Anything the server that started it keeps with it (the OpenID Connect provider: nonce, scope, client). */
  readonly extra: Record<string, unknown>
}

interface RefreshRecord {
  sessionId: string
  expiresAt: number
  /** When it was rotated (server time), and what replaced it. */
  usedAt?: number
  successor?: string
}

/** What rotating a refresh token gave. */
export type Rotation =
  | { ok: true; session: MockSession; refreshToken: string; retried: boolean }
  | { ok: false; reason: RefusalReason; session?: MockSession }

/**
 * The server-side session rules every mock server of the kit shares: rotating refresh tokens with reuse detection (a
 * used token presented again revokes its whole session), a per-user token version (a bump ends every session at its
 * next refresh), expiry, and an optional retry window (a token presented again within N seconds of its rotation gets
 * the same successor, as `@tokenlife/server`'s `retryWindowSeconds`).
 */
export class SessionBook {
  readonly #sessions = new Map<string, MockSession>()
  readonly #tokens = new Map<string, RefreshRecord>()
  readonly #versions = new Map<string, number>()
  #serial = 0
  readonly #prefix: string
  readonly #now: () => number
  readonly #settings: { refreshTokenTtlMs: number; retryWindowMs: number }

  constructor(now: () => number, settings: { refreshTokenTtlMs: number; retryWindowMs: number }, prefix = 'rt') {
    this.#now = now
    this.#settings = settings
    this.#prefix = prefix
  }

  /** The user's token version now. */
  version(userId: string): number {
    return this.#versions.get(userId) ?? 1
  }

  /** A new session for `userId` and its first refresh token. */
  start(userId: string, extra: Record<string, unknown> = {}): { session: MockSession; refreshToken: string } {
    const session: MockSession = { id: `s${++this.#serial}`, userId, version: this.version(userId), startedAt: this.#now(), rotations: 0, extra }
    this.#sessions.set(session.id, session)
    return { session, refreshToken: this.#issue(session) }
  }

  /** Uses `refreshToken` once: its successor, or why it was refused (a reuse revokes the session). */
  rotate(refreshToken: string): Rotation {
    const record = this.#tokens.get(refreshToken)
    const session = record && this.#sessions.get(record.sessionId)
    if (!record || !session) return { ok: false, reason: 'unknown' }
    if (session.revoked) return { ok: false, reason: 'revoked', session }
    if (this.version(session.userId) !== session.version) return { ok: false, reason: 'version_changed', session }
    if (record.usedAt !== undefined) {
      const successor = record.successor === undefined ? undefined : this.#tokens.get(record.successor)
      // No window (0, the default) means none at all: a reuse in the same millisecond is still a reuse.
      const window = this.#settings.retryWindowMs
      const inWindow = window > 0 && this.#now() - record.usedAt <= window && successor?.usedAt === undefined
      if (inWindow && record.successor !== undefined) return { ok: true, session, refreshToken: record.successor, retried: true }
      this.revoke(session.id, 'reuse')
      return { ok: false, reason: 'reuse', session }
    }
    if (this.#now() >= record.expiresAt) return { ok: false, reason: 'expired', session }
    record.usedAt = this.#now()
    record.successor = this.#issue(session)
    session.rotations++
    return { ok: true, session, refreshToken: record.successor, retried: false }
  }

  /** The session a refresh token belongs to (used or not). */
  sessionOf(refreshToken: string): MockSession | undefined {
    const record = this.#tokens.get(refreshToken)
    return record && this.#sessions.get(record.sessionId)
  }

  /** The session with this id. */
  session(id: string): MockSession | undefined {
    return this.#sessions.get(id)
  }

  /** Whether a session is still alive (not revoked, at the user's current token version). */
  alive(session: MockSession | undefined): session is MockSession {
    return session !== undefined && session.revoked === undefined && this.version(session.userId) === session.version
  }

  /** Revokes one session; a revoked one keeps its first cause. */
  revoke(sessionId: string, cause: RevocationCause): void {
    const session = this.#sessions.get(sessionId)
    if (session && !session.revoked) session.revoked = cause
  }

  /** Revokes every session of `userId` (every user's when `undefined`). */
  revokeAll(cause: RevocationCause, userId?: string): void {
    for (const session of this.#sessions.values()) if (userId === undefined || session.userId === userId) this.revoke(session.id, cause)
  }

  /** Bumps the user's token version: every session started before ends at its next refresh. */
  bumpVersion(userId: string): number {
    const next = this.version(userId) + 1
    this.#versions.set(userId, next)
    return next
  }

  /** Every session, oldest first. */
  sessions(): MockSession[] {
    return [...this.#sessions.values()]
  }

  #issue(session: MockSession): string {
    const token = `${this.#prefix}-${session.id}-${++this.#serial}-${Math.random().toString(36).slice(2, 10)}`
    this.#tokens.set(token, { sessionId: session.id, expiresAt: this.#now() + this.#settings.refreshTokenTtlMs })
    return token
  }
}

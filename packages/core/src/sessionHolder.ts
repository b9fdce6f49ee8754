import { diagnosticText } from './diagnostics/diagnostic'
import type { AuthEvent, SessionSource } from './authEvents'
import { createDebugLog } from './debugLog'
import type { AuthenticatedState, UnauthenticatedReason } from './authState'
import type { Environment } from './ports'
import type { SessionEndedError } from './errors'
import type { NormalizedOptions } from './options'
import { estimateClockOffset } from './serverClock'
import type { EndedMark } from './sessionMark'
import { isNewerSession } from './sessionOrder'
import { SessionStore } from './sessionStore'
import { StateStore } from './stateStore'
import type { SharedSession } from './tabMessages'
import { TabSync, type LocalSession } from './tabSync'
import { decodeClaims, describeAccessToken, readIdentity, type AccessTokenInfo, type Identity } from './tokens'
import type { TokenExchange } from './transport'

/** How much later than its `exp` claim a sibling may say a JWT expires (whole seconds, plus the answer's travel). */
const EXP_GRANULARITY_MS = 2_000

/** Called when a session ends (logout or revocation), to clear app caches. May be async. */
export type SessionEndCallback = (reason: UnauthenticatedReason) => void | Promise<void>

/** A token about to become the session's, with the stamp that orders it (see {@link isNewerSession}). */
export interface Candidate {
  token: AccessTokenInfo
  startedAt: number
  requestedAt: number
  /** The id siblings know it by, when it came from one. */
  id?: string
}

/** What the holder tells its owner, so the schedule follows the session. */
export interface SessionHolderHooks {
  /** A session was adopted; `news` when this tab obtained it (so it is published for the next lock holder). */
  adopted(session: LocalSession, news: boolean): void
  ended(): void
  /** Whether this tab holds the refresh lock now (its siblings may ask before taking it over). */
  holdsRefreshLock(): boolean
  /** A sibling has a session this tab cannot be given (the channel carries no tokens) and this tab has none. */
  sessionElsewhere(): void
}

/**
 * Holds one tab's session — the token and its stamp, the refresh token, the clock offset, the last end — and is the
 * only place that changes it. Every change does all its side effects first (memory, storage queue, the other tabs,
 * the schedule) and notifies last, so a listener that calls back into the client sees a finished change.
 *
 * A logout is final: a session (or token) that started at or before the last known end is never adopted again,
 * from any source — a late response, a sibling's message or answer, a persisted token.
 */
export class SessionHolder {
  readonly state: StateStore
  readonly tabs: TabSync
  readonly #options: NormalizedOptions
  readonly #env: Environment
  readonly #store: SessionStore
  readonly #hooks: SessionHolderHooks
  readonly #endCallbacks = new Set<SessionEndCallback>()
  #session: LocalSession | undefined
  #refreshToken: string | undefined
  #clockOffsetMs: number | undefined
  #lastEnd: EndedMark | undefined
  #lastStamp = Number.NEGATIVE_INFINITY
  #storageQueue: Promise<unknown> = Promise.resolve()

  constructor(options: NormalizedOptions, hooks: SessionHolderHooks) {
    this.#options = options
    this.#env = options.environment
    this.#hooks = hooks
    this.state = new StateStore(this.#env.warn, options.debug)
    // Debug logging a support engineer can switch on in a running app (localStorage `tokenlife:debug`).
    this.state.onEvent(createDebugLog(this.#env, options.namespace))
    this.#store = new SessionStore(options)
    this.tabs = new TabSync(this.#env, options.namespace, options.timing, {
      session: () => this.#session,
      refreshToken: () => (options.refreshTokenMode === 'storage' ? this.#refreshToken : undefined),
      clockOffsetMs: () => this.#clockOffsetMs,
      adopt: (shared) => void this.adoptShared(shared),
      learnEnd: (end) => this.learnEnd(end),
      holdsRefreshLock: () => hooks.holdsRefreshLock(),
    })
  }

  get session(): LocalSession | undefined {
    return this.#session
  }

  /** Server time minus device time, learnt from the last token response (`Date`, `iat`); `undefined` before one. */
  get clockOffsetMs(): number | undefined {
    return this.#clockOffsetMs
  }

  /** Storage mode: the refresh token this tab last knew (storage may hold a newer one from a sibling). */
  get refreshToken(): string | undefined {
    return this.#refreshToken
  }

  set refreshToken(value: string | undefined) {
    this.#refreshToken = value
  }

  get store(): SessionStore {
    return this.#store
  }

  /** Device time, strictly increasing within this tab, so that an end and a later login are never a tie. */
  stamp(): number {
    this.#lastStamp = Math.max(this.#env.now(), this.#lastStamp + 0.001)
    return this.#lastStamp
  }

  /** The last end this tab knows of: its own, a sibling's message, or the shared mark. */
  lastEnd(): EndedMark | undefined {
    const marked = this.tabs.lastEnd()
    return marked && (!this.#lastEnd || marked.at > this.#lastEnd.at) ? marked : this.#lastEnd
  }

  /** Whether a session that started at `startedAt` has been ended (by a logout or a revocation) since. */
  isEnded(startedAt: number): boolean {
    const end = this.lastEnd()
    return end !== undefined && startedAt <= end.at
  }

  onSessionEnd(callback: SessionEndCallback): () => void {
    this.#endCallbacks.add(callback)
    return () => this.#endCallbacks.delete(callback)
  }

  /** Runs storage work in order, so a clear can never be overtaken by an earlier write. */
  queueStorage<T>(work: () => Promise<T>): Promise<T> {
    const result = this.#storageQueue.then(work)
    this.#storageQueue = result.catch((error: unknown) => this.#env.warn(diagnosticText('TL302', undefined, error)))
    return result
  }

  /** Resolves when every storage write queued so far has finished. */
  storageSettled(): Promise<unknown> {
    return this.#storageQueue
  }

  /**
   * Storage mode: makes `rotated` (a refresh answer's refresh token) the one this tab and storage hold, unless storage
   * no longer holds `presented`, the one the request carried (a new login replaced it meanwhile).
   */
  async keepRotated(presented: string | undefined, rotated: string | undefined): Promise<void> {
    if (rotated === undefined || this.#options.refreshTokenMode !== 'storage') return
    if (this.#refreshToken === presented) this.#refreshToken = rotated
    await this.queueStorage(async () => {
      if ((await this.#store.readRefreshToken()) === presented) await this.#store.writeRefreshToken(rotated)
    })
  }

  /** Makes a token response the session's token, if it is newer than what the tab holds and not ended. */
  acceptExchange(exchange: TokenExchange, source: SessionSource, stamp: Omit<Candidate, 'token'>): AuthenticatedState | undefined {
    const { token, claims, receivedAt, dateHeader } = exchange
    const offset = estimateClockOffset({ receivedAt, dateHeader, issuedAt: claims?.iat })
    if (offset !== undefined) this.#clockOffsetMs = offset
    // readTokenResponse has checked that an expiry is known.
    const info = describeAccessToken(token.accessToken, claims, token.expiresIn, receivedAt, this.#clockOffsetMs ?? 0)!
    return this.adopt({ ...stamp, token: withIdentity(info, token.idToken) }, token.refreshToken, source)
  }

  /**
   * Takes a session a sibling announced or answered with. Its expiry comes from the token's own `exp` where it
   * has one (through the clock offset), never from the message alone.
   */
  adoptShared(shared: SharedSession): AuthenticatedState | undefined {
    if (shared.accessToken === undefined) {
      // Only a signal: a tab without a session asks the server for it (under the lock).
      if (!this.#session && !this.isEnded(shared.startedAt)) this.#hooks.sessionElsewhere()
      return undefined
    }
    let claims
    try {
      claims = decodeClaims(shared.accessToken)
    } catch {
      return undefined
    }
    const offset = this.#clockOffsetMs ?? shared.clockOffsetMs ?? 0
    const exp = typeof claims?.exp === 'number' && Number.isFinite(claims.exp) ? claims.exp * 1000 - offset : undefined
    // `exp` counts whole seconds and the sender measured `expires_in` from when the answer arrived: the message may
    // say up to a couple of seconds more than `exp`, never more.
    const expiresAt = exp === undefined ? shared.expiresAt : Math.min(exp + EXP_GRANULARITY_MS, shared.expiresAt)
    const token = withIdentity({ accessToken: shared.accessToken, claims: claims ?? {}, expiresAt, lifetimeMs: shared.lifetimeMs }, shared.idToken)
    const { id, startedAt, requestedAt } = shared
    return this.adopt({ token, startedAt, requestedAt, id }, shared.refreshToken, 'tab')
  }

  /**
   * Makes `candidate` the session's token — memory, storage, the other tabs, the schedule, then the listeners —
   * unless it started before the last end or is not newer than the current token. Returns the state it made, or
   * `undefined` when it refused.
   */
  adopt(candidate: Candidate, refreshToken: string | undefined, source: SessionSource): AuthenticatedState | undefined {
    const { startedAt, requestedAt } = candidate
    // An answer without an ID token (OpenID Connect lets a refresh omit it) keeps the one its session already has.
    const known = this.#session?.startedAt === startedAt ? this.#session.token.identity : undefined
    const token: AccessTokenInfo = candidate.token.identity || !known ? candidate.token : { ...candidate.token, identity: known }
    const session: LocalSession = { token, startedAt, requestedAt, expiresAt: token.expiresAt, id: candidate.id ?? this.#env.randomId() }
    if (this.isEnded(startedAt) || !isNewerSession(session, this.#session)) return undefined
    return this.state.batch(() => {
      const wasAuthenticated = this.state.getState().status === 'authenticated'
      this.#session = session
      // In cookie mode the refresh token is the browser's business: one that a server also puts in the body is ignored.
      const keepRefreshToken = refreshToken !== undefined && this.#options.refreshTokenMode === 'storage'
      if (keepRefreshToken) this.#refreshToken = refreshToken
      // Only the tab that obtained a refresh token stores it: storage is shared, and a sibling's message may be
      // older than what it holds (a tab that thaws hears old news first).
      const storeRefreshToken = keepRefreshToken && source !== 'tab'
      this.queueStorage(async () => {
        if (storeRefreshToken) await this.#store.writeRefreshToken(refreshToken)
        await this.#store.writeAccessToken(session)
      })
      // News is what this tab obtained. A restored token is news only while it is still the newest the marks know
      // of: an older one (a login happened while this tab was closed) must not look new to a tab that has nothing.
      const news = source !== 'tab' && (source !== 'restore' || !this.tabs.knowsNewerThan(session))
      if (source === 'tab') this.tabs.adopted(session)
      else if (news) this.tabs.announceSession(session)
      this.#hooks.adopted(session, news)
      this.state.dispatch({ type: 'tokens', token })
      const event: AuthEvent =
        wasAuthenticated && source === 'refresh'
          ? { type: 'refresh-succeeded', expiresAt: token.expiresAt }
          : { type: 'session-started', source, expiresAt: token.expiresAt }
      this.state.emit(event)
      return this.state.getState() as AuthenticatedState
    })
  }

  /** A session ended elsewhere: remember when, and end this tab's session if it started at or before then. */
  learnEnd(end: EndedMark): void {
    if (!this.#lastEnd || end.at > this.#lastEnd.at) this.#lastEnd = end
    const session = this.#session
    if (session && session.startedAt <= end.at) void this.end(end.reason, 'another-tab')
  }

  /**
   * Ends the session at once: records the end (a logout ends every session started until now; a revocation, the
   * refused session), tells the other tabs first when it ended here, then memory, schedule and state; then clears
   * storage and runs the app's cleanup callbacks (only when a session really ended). Resolves when storage is clear
   * and the callbacks have run.
   */
  end(reason: UnauthenticatedReason, from: 'this-tab' | 'another-tab', error?: SessionEndedError): Promise<void> {
    const hadSession = this.state.getState().status !== 'unauthenticated' && reason !== 'no_session'
    const ended = this.state.batch(() => {
      if (reason !== 'no_session') {
        // A logout ends everything started until now; a revocation ends the refused session (a newer login lives on).
        const at = reason === 'logout' || !this.#session ? this.stamp() : this.#session.startedAt
        const end: EndedMark = { reason, at }
        if (!this.#lastEnd || end.at > this.#lastEnd.at) this.#lastEnd = end
        if (from === 'this-tab') this.tabs.announceEnd(end)
      }
      this.#session = undefined
      this.#refreshToken = undefined
      this.#hooks.ended()
      this.state.dispatch({ type: 'ended', reason })
      // Finding no session is not an end: the shared refresh token is not this tab's to clear (a sibling may have
      // just signed in). Only a logout or a revocation clears everything.
      const cleared = this.queueStorage(() => (reason === 'no_session' ? this.#store.removeAccessToken() : this.#store.clear()))
      if (hadSession) this.state.emit(error ? { type: 'session-ended', reason, error } : { type: 'session-ended', reason })
      return cleared
    })
    if (!hadSession) return ended
    const callbacks = [...this.#endCallbacks].map(async (callback) => {
      try {
        await callback(reason)
      } catch (error) {
        this.state.emit({ type: 'cleanup-failed', error })
        this.#env.warn(diagnosticText('TL140', undefined, error))
      }
    })
    return Promise.all([ended, ...callbacks]).then(() => undefined)
  }

  /** Drops listeners and callbacks (on destroy). */
  clear(): void {
    this.state.clear()
    this.#endCallbacks.clear()
  }
}

/** `token` with the identity `idToken` gives (none when it is absent or does not decode). */
function withIdentity(token: AccessTokenInfo, idToken: string | undefined): AccessTokenInfo {
  const identity: Identity | undefined = idToken === undefined ? undefined : readIdentity(idToken)
  return identity ? { ...token, identity } : token
}

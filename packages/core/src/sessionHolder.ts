import { diagnosticText } from './diagnostics/diagnostic'
import { runEndCallbacks, type SessionEndCallback } from './endCallbacks'
import type { AuthEvent, SessionSource } from './authEvents'
import { createDebugLog } from './debugLog'
import type { AuthenticatedState, UnauthenticatedReason } from './authState'
import type { Environment } from './ports'
import type { SessionEndedError } from './errors'
import type { NormalizedOptions } from './options'
import { plannedRefreshAt } from './refreshTiming'
import { estimateClockOffset } from './serverClock'
import type { EndedMark } from './sessionMark'
import { isNewerSession } from './sessionOrder'
import { SessionStore } from './sessionStore'
import { StateStore } from './stateStore'
import type { SharedSession } from './tabMessages'
import { TabSync, type LocalSession } from './tabSync'
import { tokenOfResponse, type AccessTokenInfo } from './tokens'
import { readSharedToken } from './sharedToken'
import type { TokenExchange } from './transport'
import type { Dpop } from './dpop/dpop'
import { lazyDpop } from './dpop/lazyDpop'

export type { SessionEndCallback } from './endCallbacks'

/** A token about to become the session's, with the stamp that orders it (see {@link isNewerSession}). */
export interface Candidate {
  token: AccessTokenInfo
  startedAt: number
  requestedAt: number
  /** The id siblings know it by, when it came from one. */
  id?: string
  /** The refresh that obtained it came on schedule: it keeps the phase (see `timing.spreadRatio`). */
  onSchedule?: boolean
  /**
   * When it is to be refreshed (device ms), if that was decided before: by the sibling that shared it, or by the page
   * that persisted it. Every tab, and a reloaded page, keeps the one phase.
   */
  refreshAt?: number
}

/** What the holder tells its owner, so the schedule follows the session. */
export interface SessionHolderHooks {
  /** A session was adopted; `news` when this tab obtained it (so it is published for the next lock holder). */
  adopted(session: LocalSession, news: boolean, source: SessionSource): void
  /** The session ended (or `start()` found none: `'no_session'`). */
  ended(reason: UnauthenticatedReason): void
  /** A sibling says somebody was active at `at` (the idle timeout). */
  activity(at: number): void
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
  /** With `dpop: true`: the session's DPoP key, proofs and nonces (see {@link Dpop}). */
  readonly dpop: Dpop | undefined
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
  /** The token the current one replaced: a request may go out with it just after a refresh. */
  #replaced: AccessTokenInfo | undefined

  constructor(options: NormalizedOptions, hooks: SessionHolderHooks) {
    this.#options = options
    this.#env = options.environment
    this.#hooks = hooks
    this.state = new StateStore(this.#env.warn, options.debug)
    // Debug logging a support engineer can switch on in a running app (localStorage `tokenlife:debug`).
    this.state.onEvent(createDebugLog(this.#env, options.namespace))
    this.#store = new SessionStore(options)
    // Proofs carry `iat` on the server's clock, as far as this tab knows it.
    const host = {
      serverNow: () => this.#env.now() + (this.#clockOffsetMs ?? 0),
      sessionJkt: () => this.#session?.token.dpopJkt,
      bindingOf: (accessToken: string) => [this.#session?.token, this.#replaced].find((token) => token?.accessToken === accessToken)?.dpopJkt,
    }
    this.dpop = options.dpop ? lazyDpop(this.#env, options.namespace, host) : undefined
    this.tabs = new TabSync(this.#env, options.namespace, options.timing, {
      session: () => this.#session,
      refreshToken: () => (options.refreshTokenMode === 'storage' ? this.#refreshToken : undefined),
      clockOffsetMs: () => this.#clockOffsetMs,
      adopt: (shared) => void this.adoptShared(shared),
      learnEnd: (end) => this.learnEnd(end),
      holdsRefreshLock: () => hooks.holdsRefreshLock(),
      activity: (at) => hooks.activity(at),
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
  acceptExchange(exchange: TokenExchange, source: SessionSource, stamp: Omit<Candidate, 'token'>, dpopJkt?: string): AuthenticatedState | undefined {
    const { token, claims, receivedAt, dateHeader } = exchange
    const offset = estimateClockOffset({ receivedAt, dateHeader, issuedAt: claims?.iat })
    if (offset !== undefined) this.#clockOffsetMs = offset
    // readTokenResponse has checked that an expiry is known; the caller, that the token is bound to `dpopJkt`.
    return this.adopt({ ...stamp, token: tokenOfResponse(token, claims, receivedAt, this.#clockOffsetMs ?? 0, dpopJkt) }, token.refreshToken, source)
  }

  /**
   * Takes a session a sibling announced or answered with (see {@link readSharedToken}: its expiry comes from the
   * token's own `exp`; with DPoP it must be bound to the key the sibling names).
   */
  adoptShared(shared: SharedSession): AuthenticatedState | undefined {
    if (shared.accessToken === undefined) {
      // Only a signal: a tab without a session asks the server for it (under the lock).
      if (!this.#session && !this.isEnded(shared.startedAt)) this.#hooks.sessionElsewhere()
      return undefined
    }
    const token = readSharedToken({ ...shared, accessToken: shared.accessToken }, this.#clockOffsetMs, this.dpop !== undefined)
    if (token === undefined) return undefined
    const { id, startedAt, requestedAt, refreshAt } = shared
    return this.adopt({ token, startedAt, requestedAt, id, refreshAt, onSchedule: true }, shared.refreshToken, 'tab')
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
    const id = candidate.id ?? this.#env.randomId()
    const session: LocalSession = { token, startedAt, requestedAt, expiresAt: token.expiresAt, id, refreshAt: plannedRefreshAt(this.#options.timing, candidate, this.#env) }
    if (this.isEnded(startedAt) || !isNewerSession(session, this.#session)) return undefined
    // With DPoP, never a token that is not bound to a key of the session: it would go out as a bearer token.
    if (this.dpop && token.dpopJkt === undefined) return undefined
    return this.state.batch(() => {
      const wasAuthenticated = this.state.getState().status === 'authenticated'
      this.#replaced = this.#session?.token
      this.#session = session
      // In cookie mode the refresh token is the browser's business: one that a server also puts in the body is ignored.
      const keepRefreshToken = refreshToken !== undefined && this.#options.refreshTokenMode === 'storage'
      if (keepRefreshToken) this.#refreshToken = refreshToken
      // Only the tab that obtained a refresh token stores it: storage is shared, and a sibling's message may be
      // older than what it holds (a tab that thaws hears old news first).
      const storeRefreshToken = keepRefreshToken && source !== 'tab'
      // A new session's key becomes the session's before its refresh token is stored (a tab that reads the new
      // refresh token signs with the new key); a refresh was signed with the session's key already.
      const newKey = source === 'login' || source === 'setTokens' ? token.dpopJkt : undefined
      this.queueStorage(async () => {
        if (newKey !== undefined) await this.dpop?.bind(newKey)
        if (storeRefreshToken) await this.#store.writeRefreshToken(refreshToken)
        await this.#store.writeAccessToken(session)
      })
      // News is what this tab obtained. A restored token is news only while it is still the newest the marks know
      // of: an older one (a login happened while this tab was closed) must not look new to a tab that has nothing.
      const news = source !== 'tab' && (source !== 'restore' || !this.tabs.knowsNewerThan(session))
      if (source === 'tab') this.tabs.adopted(session)
      else if (news) this.tabs.announceSession(session)
      this.#hooks.adopted(session, news, source)
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
    if (session && session.startedAt <= end.at) void this.end(end.reason, 'another-tab', undefined, end.at)
  }

  /**
   * Ends the session at once: records the end (a logout ends every session started until now; a revocation, the
   * refused session), tells the other tabs first when it ended here, then memory, schedule and state; then clears
   * storage and runs the app's cleanup callbacks (only when a session really ended). Resolves when storage is clear
   * and the callbacks have run. `endedAt`: when an end learnt from elsewhere happened (not when this tab learnt it).
   */
  end(reason: UnauthenticatedReason, from: 'this-tab' | 'another-tab', error?: SessionEndedError, endedAt?: number): Promise<void> {
    const hadSession = this.state.getState().status !== 'unauthenticated' && reason !== 'no_session'
    const ended = this.state.batch(() => {
      // The ended session's DPoP key goes with it; a logout deletes every key made until it.
      let forgetKeys: (() => Promise<void> | undefined) | undefined
      if (reason !== 'no_session') {
        // A logout (or an idle timeout) ends everything started until it; a revocation ends the refused session (a
        // newer login lives on).
        const at = endedAt ?? (reason === 'revoked' && this.#session ? this.#session.startedAt : this.stamp())
        const jkt = this.#session?.token.dpopJkt
        forgetKeys = reason !== 'revoked' ? () => this.dpop?.forgetBefore(at) : jkt === undefined ? undefined : () => this.dpop?.forget(jkt)
        const end: EndedMark = { reason, at }
        if (!this.#lastEnd || end.at > this.#lastEnd.at) this.#lastEnd = end
        if (from === 'this-tab') this.tabs.announceEnd(end)
      }
      this.#session = undefined
      this.#refreshToken = undefined
      this.#hooks.ended(reason)
      this.state.dispatch({ type: 'ended', reason })
      // Finding no session is not an end: the shared refresh token is not this tab's to clear (a sibling may have
      // just signed in). Only a logout or a revocation clears everything.
      const clear = () => (forgetKeys ? this.#store.clear().then(forgetKeys) : this.#store.clear())
      const cleared = this.queueStorage(() => (reason === 'no_session' ? this.#store.removeAccessToken() : clear()))
      if (hadSession) this.state.emit(error ? { type: 'session-ended', reason, error } : { type: 'session-ended', reason })
      return cleared
    })
    if (!hadSession) return ended
    return Promise.all([ended, ...runEndCallbacks(this.#endCallbacks, reason, this.state, this.#env.warn)]).then(() => undefined)
  }

  /** Drops listeners and callbacks (on destroy). */
  clear(): void {
    this.state.clear()
    this.#endCallbacks.clear()
  }
}

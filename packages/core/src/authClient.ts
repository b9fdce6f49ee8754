import type { KyInstance } from 'ky'
import { abortable } from './abortable'
import type { AuthEvent, RefreshCause, SessionSource } from './authEvents'
import type { AuthenticatedState, AuthState, UnauthenticatedReason } from './authState'
import type { Environment, WakeCause } from './environment'
import { isConfigurationError, isSessionEndedError, SessionEndedError, TokenlifeError } from './errors'
import { createAuthFetch } from './http/authFetch'
import { createAuthHttp } from './http/createAuthHttp'
import { normalizeOptions, type AuthClientOptions, type NormalizedOptions } from './options'
import { RefreshLock } from './refreshLock'
import { RefreshScheduler } from './refreshScheduler'
import { refreshDueAt, retryDelay } from './refreshTiming'
import { revokeSession, type RevocationRequest } from './revocation'
import { estimateClockOffset } from './serverClock'
import { SessionStore } from './sessionStore'
import { StateStore } from './stateStore'
import { randomId } from './tabChannel'
import type { SharedSession } from './tabMessages'
import { TabSync, type LocalSession } from './tabSync'
import { readTokenInput, type TokenInput } from './tokenInput'
import { decodeClaims, describeAccessToken, isFresh, type AccessTokenInfo } from './tokens'
import { readTokenResponse, send, type TokenExchange } from './transport'

export type { TokenInput } from './tokenInput'

/** Called when a session ends (logout or revocation), to clear app caches. May be async. */
export type SessionEndCallback = (reason: UnauthenticatedReason) => void | Promise<void>

/**
 * Holds one session: the state store, silent refresh, single-flight refresh (in this tab and across tabs), storage
 * and logout. Create it with {@link createAuthClient}.
 */
export class AuthClient {
  readonly #options: NormalizedOptions
  readonly #env: Environment
  readonly #state: StateStore
  readonly #store: SessionStore
  readonly #scheduler: RefreshScheduler
  readonly #lock: RefreshLock
  readonly #tabs: TabSync
  readonly #sessionEndCallbacks = new Set<SessionEndCallback>()
  /** This tab's token, its id among tabs and when it was taken; `undefined` without a session. */
  #session: LocalSession | undefined
  /** Storage mode: the current refresh token (also in storage). */
  #refreshToken: string | undefined
  #clockOffsetMs = 0
  /** Bumped whenever a session ends or is replaced: work started under an older generation is discarded. */
  #generation = 0
  #refreshing: Promise<AuthenticatedState> | undefined
  #refreshAbort: AbortController | undefined
  #failures = 0
  #retryNotBefore = 0
  #nextCause: RefreshCause = 'schedule'
  #waitingForOnline = false
  #starting: Promise<void> | undefined
  #loggingOut: Promise<void> | undefined
  /** Counts logouts, so a login that was on the wire during one is not adopted. */
  #logouts = 0
  #storageQueue: Promise<unknown> = Promise.resolve()
  #detachWake: (() => void) | undefined
  #destroyed = false
  #http: KyInstance | undefined
  #fetch: typeof fetch | undefined

  constructor(options: AuthClientOptions) {
    this.#options = normalizeOptions(options)
    const { environment, namespace, timing, debug } = this.#options
    this.#env = environment
    this.#state = new StateStore(environment.warn, debug)
    this.#store = new SessionStore(this.#options)
    this.#scheduler = new RefreshScheduler(environment, (cause) => this.#onDue(cause))
    this.#lock = new RefreshLock(environment, namespace, timing.lockTimeoutMs)
    this.#tabs = new TabSync(environment, namespace, timing, {
      session: () => this.#session,
      refreshToken: () => (this.#options.refreshTokenMode === 'storage' ? this.#refreshToken : undefined),
      adopt: (session) => void this.#adoptShared(session),
      end: (reason) => {
        if (this.#state.getState().status !== 'unauthenticated') void this.#endSession(reason, 'another-tab')
      },
    })
  }

  /** The options after validation and defaults (read-only). Used by the HTTP helpers. */
  get options(): Readonly<NormalizedOptions> {
    return this.#options
  }

  /**
   * A ky instance that attaches the access token to requests to allowed origins (the page, the auth endpoints,
   * `allowedOrigins`), waits for a valid token first, and answers a 401 with one refresh shared by every request
   * refused at the same time and one retry. Built on first use. See {@link createAuthHttp} and {@link authHooks}.
   *
   * @example
   * ```ts
   * const orders = await auth.http.get('https://api.example.com/orders').json<Order[]>()
   * ```
   */
  get http(): KyInstance {
    return (this.#http ??= createAuthHttp(this))
  }

  /**
   * `fetch` with what {@link AuthClient.http} does, for code that uses plain `fetch`. Built on first use; bound, so
   * it can be passed around. See {@link createAuthFetch}.
   *
   * @example
   * ```ts
   * const response = await auth.fetch('/api/me', { signal: AbortSignal.timeout(5_000) })
   * ```
   */
  get fetch(): typeof fetch {
    return (this.#fetch ??= createAuthFetch(this))
  }

  /** The current state; the same object until the state changes. */
  getState = (): AuthState => this.#state.getState()

  /**
   * Calls `listener` after every state change. Returns a function that unsubscribes. Bound, so it can be passed
   * around (e.g. to `useSyncExternalStore`).
   */
  subscribe = (listener: (state: AuthState) => void): (() => void) => this.#state.subscribe(listener)

  /** Calls `listener` with every {@link AuthEvent} (refreshes, failures, wake-ups, session start and end). */
  onEvent = (listener: (event: AuthEvent) => void): (() => void) => this.#state.onEvent(listener)

  /**
   * Registers app cleanup (clear caches, reset stores) to run whenever a session ends by logout or revocation, in
   * this tab or another. Returns a function that unregisters it.
   */
  onSessionEnd = (callback: SessionEndCallback): (() => void) => {
    this.#sessionEndCallbacks.add(callback)
    return () => this.#sessionEndCallbacks.delete(callback)
  }

  /**
   * Restores or obtains a session: a persisted access token if the app opted in and it is still valid, else a
   * sibling tab's session, else one refresh. Idempotent: every call returns the same promise. Never rejects for a
   * missing session or a network failure; the state says what happened (a transient failure keeps `initializing`
   * and retries).
   */
  start(): Promise<void> {
    if (this.#destroyed) return Promise.reject(this.#destroyedError())
    return (this.#starting ??= this.#restore())
  }

  /**
   * Signs in by POSTing `credentials` as JSON to `loginUrl`. Resolves with the new state; rejects with a
   * `LoginError` when the server refuses (the state is unchanged), or a transient error.
   */
  async login(credentials: unknown): Promise<AuthenticatedState> {
    this.#assertUsable()
    const { loginUrl, refreshTokenMode, wireFormat, timing } = this.#options
    if (loginUrl === undefined) throw new TypeError('tokenlife: login() needs the `loginUrl` option')
    this.#attach()
    const logouts = this.#logouts
    const request = wireFormat.buildLoginRequest({ url: loginUrl, credentials, refreshTokenMode })
    const response = await send(this.#env, request, { timeoutMs: timing.requestTimeoutMs })
    const exchange = await readTokenResponse(this.#env, wireFormat, loginUrl, response, 'login')
    this.#assertUsable()
    if (logouts !== this.#logouts) {
      // The user logged out while this login was on the wire: the new session must not sign them back in.
      const { accessToken, refreshToken } = exchange.token
      void this.#revoke({ accessToken, refreshToken, everywhere: false })
      throw new SessionEndedError('logout')
    }
    this.#supersede()
    return this.#acceptExchange(exchange, 'login')
  }

  /**
   * Adopts tokens obtained by any other flow. Throws a `TypeError` when they are unusable (not a string, a JWT that
   * does not decode, no way to tell the expiry).
   */
  setTokens(tokens: TokenInput): AuthenticatedState {
    this.#assertUsable()
    const info = readTokenInput(tokens, this.#env.now(), this.#clockOffsetMs)
    this.#attach()
    this.#supersede()
    return this.#adopt(info, tokens.refreshToken, 'setTokens')
  }

  /**
   * A token that is valid now (with at least `timing.minValidityMs` left), refreshing first if needed; concurrent
   * callers share one refresh. Rejects with `SessionEndedError` when there is no session, or with the refresh's
   * transient error. `signal` stops the wait for this caller only.
   */
  async getAccessToken(options: { signal?: AbortSignal } = {}): Promise<string> {
    this.#assertUsable()
    if (this.getState().status === 'initializing') await abortable(this.start(), options.signal)
    const state = this.getState()
    if (state.status === 'unauthenticated') throw new SessionEndedError(state.reason)
    if (this.#session && this.#isFresh(this.#session.token)) return this.#session.token.accessToken
    if (state.error && (this.#env.now() < this.#retryNotBefore || isConfigurationError(state.error))) throw state.error
    return (await abortable(this.#refreshOnce('demand'), options.signal)).accessToken
  }

  /**
   * Refreshes now, whatever the token's age. Concurrent calls (and scheduled refreshes) share one request; across
   * tabs, a newer token another tab obtained meanwhile is adopted instead. `signal` stops the wait for this caller.
   */
  refresh(options: { signal?: AbortSignal } = {}): Promise<AuthenticatedState> {
    if (this.#destroyed) return Promise.reject(this.#destroyedError())
    this.#attach()
    // The server asked us to wait (429/503 Retry-After): even an explicit refresh does not ask again before then.
    const { error } = this.getState()
    if (error && this.#env.now() < this.#retryNotBefore) return Promise.reject(error)
    return abortable(this.#refreshOnce('explicit'), options.signal)
  }

  /**
   * Ends the session: at once locally and in every tab (state `unauthenticated`, reason `'logout'`, storage
   * cleared, cleanup callbacks run), then revokes it on the server, bounded by `logoutTimeoutMs`. Never rejects
   * because the server failed or the device is offline. Idempotent. `everywhere` asks the server to end every
   * session of the user.
   */
  logout(options: { everywhere?: boolean } = {}): Promise<void> {
    if (this.#loggingOut && this.getState().status === 'unauthenticated') return this.#loggingOut
    // A client that never started (a sign-out page) must still tell the other tabs.
    if (!this.#destroyed) this.#tabs.open()
    this.#logouts++
    const hadSession = this.getState().status !== 'unauthenticated'
    const accessToken = this.getState().accessToken
    // Read the refresh token before the clear that endSession queues behind it.
    const refreshToken = this.#refreshToken
      ? Promise.resolve(this.#refreshToken)
      : this.#queueStorage(() => this.#store.readRefreshToken())
    const ended = this.#endSession('logout')
    const everywhere = options.everywhere === true
    const revoked = hadSession && refreshToken.then((token) => this.#revoke({ accessToken, refreshToken: token, everywhere }))
    const loggingOut: Promise<void> = Promise.all([ended, revoked]).then(
      () => undefined,
      () => undefined,
    )
    this.#loggingOut = loggingOut
    void loggingOut.then(() => {
      if (this.#loggingOut === loggingOut) this.#loggingOut = undefined
    })
    return loggingOut
  }

  /** Releases every timer, listener, channel and request. The client cannot be used afterwards. */
  destroy(): void {
    if (this.#destroyed) return
    this.#destroyed = true
    this.#generation++
    this.#refreshAbort?.abort()
    this.#scheduler.cancel()
    this.#detachWake?.()
    this.#detachWake = undefined
    this.#tabs.close()
    this.#state.clear()
    this.#sessionEndCallbacks.clear()
  }

  // ——— restoring and refreshing ———

  async #restore(): Promise<void> {
    this.#attach()
    if (this.getState().status !== 'initializing') return
    const generation = this.#generation
    const [persisted, refreshToken] = await this.#queueStorage(() =>
      Promise.all([this.#store.readAccessToken(), this.#store.readRefreshToken()]),
    )
    if (generation !== this.#generation || this.getState().status !== 'initializing') return
    this.#refreshToken = refreshToken
    if (persisted && this.#isFresh(persisted)) {
      this.#adopt({ ...persisted, claims: safeClaims(persisted.accessToken) ?? {} }, undefined, 'restore')
      return
    }
    if (this.#options.refreshTokenMode === 'storage' && refreshToken === undefined) {
      // Nothing stored here (memory-only storage, a new tab): another tab may still hold the session.
      const shared = await this.#tabs.askForSession()
      if (generation !== this.#generation || this.getState().status !== 'initializing') return
      if (!shared || !this.#adoptShared(shared)) await this.#endSession('no_session')
      return
    }
    await this.#refreshOnce('start').catch(() => {
      // The state tells what happened; a transient failure has scheduled a retry.
    })
  }

  /** Single flight: every caller gets the refresh already under way, if there is one. */
  #refreshOnce(cause: RefreshCause): Promise<AuthenticatedState> {
    if (!this.#refreshing) {
      const flight = this.#performRefresh(cause)
      this.#refreshing = flight
      const settle = () => {
        if (this.#refreshing === flight) this.#refreshing = undefined
      }
      flight.then(settle, settle)
    }
    return this.#refreshing
  }

  async #performRefresh(cause: RefreshCause): Promise<AuthenticatedState> {
    const generation = this.#generation
    const before = this.#session?.token
    const abort = new AbortController()
    this.#refreshAbort = abort
    this.#scheduler.cancel()
    this.#state.emit({ type: 'refresh-started', cause })
    try {
      // One refresh at a time across every tab; whoever gets the lock first checks what the others did meanwhile.
      return await this.#lock.run(async () => {
        if (generation !== this.#generation) return this.#supersededResult()
        const shared = await this.#newerSessionThan(before, false)
        if (shared) return shared
        if (generation !== this.#generation) return this.#supersededResult()
        try {
          return await this.#exchangeRefreshToken(generation, abort.signal)
        } catch (error) {
          // Rotation safety: a refusal may only mean another tab rotated the token first.
          if (!isSessionEndedError(error) || generation !== this.#generation) throw error
          const rescued = await this.#newerSessionThan(before, true)
          if (rescued) return rescued
          throw error
        }
      })
    } catch (error) {
      if (generation !== this.#generation) return this.#supersededResult()
      if (isConfigurationError(error)) {
        // The client is misconfigured: no retry would help. Keep the session (it is fine once the setup is fixed),
        // say so once and schedule nothing; an explicit refresh() tries again.
        this.#env.error(error.message)
        this.#state.dispatch({ type: 'failed', error })
        this.#state.emit({ type: 'configuration-error', error })
        throw error
      }
      if (isSessionEndedError(error)) {
        const state = this.getState()
        const reason = state.status === 'authenticated' ? 'revoked' : (state.reason ?? 'no_session')
        const { status, description } = error
        const ended = new SessionEndedError(reason, { status, error: error.error, description, cause: error })
        await this.#endSession(reason, 'this-tab', ended)
        throw ended
      }
      throw this.#scheduleRetry(error instanceof Error ? error : new TokenlifeError(String(error), { cause: error }))
    } finally {
      if (this.#refreshAbort === abort) this.#refreshAbort = undefined
    }
  }

  /** One request to the refresh endpoint; success adopts the tokens (and waits until they are stored). */
  async #exchangeRefreshToken(generation: number, signal: AbortSignal): Promise<AuthenticatedState> {
    const { refreshUrl, refreshTokenMode, wireFormat, timing, oauthClientId } = this.#options
    if (refreshTokenMode === 'storage') {
      this.#refreshToken ??= await this.#queueStorage(() => this.#store.readRefreshToken())
      if (this.#refreshToken === undefined) throw new SessionEndedError('no_session')
    }
    const request = wireFormat.buildRefreshRequest({ url: refreshUrl, refreshToken: this.#refreshToken, clientId: oauthClientId })
    const response = await send(this.#env, request, { timeoutMs: timing.requestTimeoutMs, signal })
    const exchange = await readTokenResponse(this.#env, wireFormat, refreshUrl, response, 'refresh', refreshTokenMode)
    if (generation !== this.#generation) return this.#supersededResult()
    const state = this.#acceptExchange(exchange, 'refresh')
    // Hold the lock until the rotated refresh token is stored, so the next holder reads the new one.
    await this.#storageQueue
    return state
  }

  /**
   * Called holding the refresh lock: is there a session newer than `before` — adopted from a sibling's message
   * while this tab waited, or one the siblings hold — or did the session end elsewhere? In storage mode, also
   * re-reads a refresh token a sibling may have rotated in shared storage (and, after a refusal, retries with it).
   */
  async #newerSessionThan(before: AccessTokenInfo | undefined, afterRefusal: boolean): Promise<AuthenticatedState | undefined> {
    const current = this.#session?.token
    if (current && current !== before && current.expiresAt > (before?.expiresAt ?? Number.NEGATIVE_INFINITY) && this.#isFresh(current)) {
      return this.getState() as AuthenticatedState
    }
    const news = await this.#tabs.newsSince(before, afterRefusal)
    if (news?.type === 'ended') {
      // A sibling ended the session (its message did not reach us): end ours the same way, without re-announcing.
      await this.#endSession(news.reason, 'another-tab')
      throw new SessionEndedError(news.reason)
    }
    if (news?.type === 'session') return this.#adoptShared(news.session)
    if (this.#options.refreshTokenMode === 'storage') {
      const sent = this.#refreshToken
      const stored = await this.#queueStorage(() => this.#store.readRefreshToken())
      if (stored !== undefined) this.#refreshToken = stored
      if (afterRefusal && stored !== undefined && stored !== sent) {
        return this.#exchangeRefreshToken(this.#generation, new AbortController().signal)
      }
    }
    return undefined
  }

  /** Keeps the session after a transient failure and schedules the next try with backoff. */
  #scheduleRetry(error: Error): Error {
    this.#failures++
    const retryAfterMs = (error as { retryAfterMs?: number }).retryAfterMs
    const delay = retryDelay(this.#options.timing, this.#failures, this.#env.random(), retryAfterMs)
    this.#retryNotBefore = retryAfterMs === undefined ? 0 : this.#env.now() + retryAfterMs
    this.#state.dispatch({ type: 'failed', error })
    this.#state.emit({ type: 'refresh-failed', error, retryInMs: delay })
    this.#nextCause = 'retry'
    this.#scheduler.scheduleAt(this.#env.now() + delay)
    return error
  }

  #onDue(cause: WakeCause | 'timer'): void {
    if (this.#destroyed || this.getState().status === 'unauthenticated') return
    if (cause === 'late-timer') {
      // The timer fired long after it should have: the tab was throttled or the device slept, as on any wake-up.
      this.#state.emit({ type: 'wake', cause })
      this.#tabs.catchUp()
      if (this.getState().status === 'unauthenticated') return
    }
    if (!this.#env.isOnline()) {
      // Offline: wait for the `online` event, but look again later in case it never comes.
      this.#waitingForOnline = true
      this.#scheduler.scheduleAt(this.#env.now() + this.#options.timing.retryMaxMs)
      return
    }
    this.#waitingForOnline = false
    const refreshCause = cause === 'timer' ? this.#nextCause : this.#nextCause === 'retry' ? 'retry' : 'schedule'
    this.#refreshOnce(refreshCause).catch(() => {
      // Failures are in the state and events; a retry is scheduled.
    })
  }

  #onWake(cause: WakeCause): void {
    this.#state.emit({ type: 'wake', cause })
    this.#tabs.catchUp()
    if (cause === 'online' && this.#waitingForOnline) this.#scheduler.scheduleAt(this.#env.now())
    this.#scheduler.check(cause)
  }

  // ——— taking and ending sessions: local work and other tabs take the same path ———

  #acceptExchange(exchange: TokenExchange, source: SessionSource): AuthenticatedState {
    const { token, claims, receivedAt, dateHeader } = exchange
    const offset = estimateClockOffset({ receivedAt, dateHeader, issuedAt: claims?.iat })
    if (offset !== undefined) this.#clockOffsetMs = offset
    // readTokenResponse has checked that an expiry is known.
    const info = describeAccessToken(token.accessToken, claims, token.expiresIn, receivedAt, this.#clockOffsetMs)!
    return this.#adopt(info, token.refreshToken, source)
  }

  /** Takes a session another tab obtained, without a request of our own. */
  #adoptShared(session: SharedSession): AuthenticatedState | undefined {
    const claims = safeClaims(session.accessToken)
    if (claims === null) return undefined
    this.#supersede()
    const { accessToken, expiresAt, lifetimeMs } = session
    return this.#adopt({ accessToken, claims: claims ?? {}, expiresAt, lifetimeMs }, session.refreshToken, 'tab', session.id)
  }

  /** Makes `info` the session's token: state, storage, the other tabs and the next scheduled refresh. */
  #adopt(info: AccessTokenInfo, refreshToken: string | undefined, source: SessionSource, id = randomId()): AuthenticatedState {
    const wasAuthenticated = this.getState().status === 'authenticated'
    this.#session = { token: info, id, adoptedAt: this.#env.now() }
    // In cookie mode the refresh token is the browser's business: one that a server also puts in the body is ignored.
    const keepRefreshToken = refreshToken !== undefined && this.#options.refreshTokenMode === 'storage'
    if (keepRefreshToken) this.#refreshToken = refreshToken
    this.#failures = 0
    this.#retryNotBefore = 0
    this.#state.dispatch({ type: 'tokens', token: info })
    this.#queueStorage(async () => {
      if (keepRefreshToken) await this.#store.writeRefreshToken(refreshToken)
      await this.#store.writeAccessToken(info)
    })
    if (source !== 'tab') this.#tabs.announceSession(this.#session)
    this.#nextCause = 'schedule'
    const { timing } = this.#options
    this.#scheduler.scheduleAt(refreshDueAt(timing, info.expiresAt, info.lifetimeMs, this.#env.now(), this.#env.random()))
    this.#state.emit(
      wasAuthenticated && source === 'refresh'
        ? { type: 'refresh-succeeded', expiresAt: info.expiresAt }
        : { type: 'session-started', source, expiresAt: info.expiresAt },
    )
    return this.getState() as AuthenticatedState
  }

  /**
   * Ends the session locally and at once: tells the other tabs first (when it ended here), then state, timers and
   * in-flight work; then clears storage and runs the app's cleanup callbacks (only when a session really ended).
   * Resolves when storage is clear and the callbacks have run.
   */
  #endSession(
    reason: UnauthenticatedReason,
    from: 'this-tab' | 'another-tab' = 'this-tab',
    error?: SessionEndedError,
  ): Promise<void> {
    const hadSession = this.getState().status !== 'unauthenticated' && reason !== 'no_session'
    if (from === 'this-tab' && reason !== 'no_session') this.#tabs.announceEnd(reason)
    this.#supersede()
    this.#session = undefined
    this.#refreshToken = undefined
    this.#state.dispatch({ type: 'ended', reason })
    const cleared = this.#queueStorage(() => this.#store.clear())
    if (!hadSession) return cleared
    this.#state.emit(error ? { type: 'session-ended', reason, error } : { type: 'session-ended', reason })
    const callbacks = [...this.#sessionEndCallbacks].map(async (callback) => {
      try {
        await callback(reason)
      } catch (error) {
        this.#state.emit({ type: 'cleanup-failed', error })
        this.#env.warn(`a session-end callback threw: ${String(error)}`)
      }
    })
    return Promise.all([cleared, ...callbacks]).then(() => undefined)
  }

  /** Invalidates work in flight (its result would be stale) and the schedule. */
  #supersede(): void {
    this.#generation++
    this.#refreshAbort?.abort()
    this.#refreshAbort = undefined
    this.#refreshing = undefined
    this.#scheduler.cancel()
    this.#failures = 0
    this.#waitingForOnline = false
  }

  async #revoke(captured: RevocationRequest): Promise<void> {
    const error = await revokeSession(this.#options, captured)
    if (error !== undefined) this.#state.emit({ type: 'revocation-failed', error })
  }

  // ——— plumbing ———

  /** Starts listening for wake-ups (visibility, focus, pageshow, online) and to the other tabs; once. */
  #attach(): void {
    if (this.#detachWake || this.#destroyed) return
    this.#detachWake = this.#env.onWake((cause) => this.#onWake(cause))
    this.#tabs.open()
  }

  #isFresh(token: { expiresAt: number; lifetimeMs?: number }): boolean {
    return isFresh(token, this.#options.timing.minValidityMs, this.#env.now())
  }

  /** Runs storage work in order, so a clear can never be overtaken by an earlier write. */
  #queueStorage<T>(work: () => Promise<T>): Promise<T> {
    const result = this.#storageQueue.then(work)
    this.#storageQueue = result.catch((error: unknown) => this.#env.warn(`storage failed: ${String(error)}`))
    return result
  }

  /**
   * What a refresh that was overtaken (by a login, new tokens, a logout or destroy) gives its callers: the session
   * that replaced it, or the reason there is none.
   */
  #supersededResult(): AuthenticatedState {
    if (this.#destroyed) throw this.#destroyedError()
    const state = this.getState()
    if (state.status === 'authenticated') return state
    throw new SessionEndedError(state.status === 'unauthenticated' ? state.reason : 'logout')
  }

  #destroyedError(): TokenlifeError {
    return new TokenlifeError('tokenlife: this client was destroyed; create a new one')
  }

  #assertUsable(): void {
    if (this.#destroyed) throw this.#destroyedError()
  }
}

/** Claims of a token, `undefined` for an opaque one, `null` for a JWT that does not decode. */
function safeClaims(accessToken: string): ReturnType<typeof decodeClaims> | null {
  try {
    return decodeClaims(accessToken)
  } catch {
    return null
  }
}

import type { AuthEvent, RefreshCause, SessionSource } from './authEvents'
import { authReducer, type AuthAction } from './authReducer'
import type { AuthenticatedState, AuthState, UnauthenticatedReason } from './authState'
import type { Environment, WakeCause } from './environment'
import { isSessionEndedError, SessionEndedError, TokenlifeError } from './errors'
import { normalizeOptions, type AuthClientOptions, type NormalizedOptions } from './options'
import { RefreshScheduler } from './refreshScheduler'
import { refreshDueAt, retryDelay } from './refreshTiming'
import { estimateClockOffset } from './serverClock'
import { SessionStore } from './sessionStore'
import { decodeClaims, describeAccessToken, type AccessTokenInfo } from './tokens'
import { readTokenResponse, send, type TokenExchange } from './transport'
import { abortable } from './abortable'
import type { KyInstance } from 'ky'
import { createAuthFetch } from './http/authFetch'
import { createAuthHttp } from './http/createAuthHttp'
import { RefreshLock } from './refreshLock'
import { SessionMarks } from './sessionMark'
import { randomId, TabChannel } from './tabChannel'
import type { SharedSession, TabMessage } from './tabMessages'

/** Tokens obtained outside tokenlife (a redirect flow, a custom login) handed over with {@link AuthClient.setTokens}. */
export interface TokenInput {
  accessToken: string
  /** Storage mode only: the refresh token to persist. */
  refreshToken?: string
  /** Access-token lifetime in seconds; needed for opaque (non-JWT) tokens. */
  expiresIn?: number
}

/** Called when a session ends (logout or revocation), to clear app caches. May be async. */
export type SessionEndCallback = (reason: UnauthenticatedReason) => void | Promise<void>

/**
 * Holds one session: the state store, silent refresh, single-flight refresh, storage and logout.
 * Create it with {@link createAuthClient}; everything it does is described there.
 */
export class AuthClient {
  readonly #options: NormalizedOptions
  readonly #env: Environment
  readonly #store: SessionStore
  readonly #scheduler: RefreshScheduler
  readonly #channel: TabChannel
  readonly #lock: RefreshLock
  readonly #marks: SessionMarks
  #state: AuthState = { status: 'initializing' }
  readonly #listeners = new Set<(state: AuthState) => void>()
  readonly #eventListeners = new Set<(event: AuthEvent) => void>()
  readonly #sessionEndCallbacks = new Set<SessionEndCallback>()
  #token: AccessTokenInfo | undefined
  /** When this tab took its current token (device ms): a logout elsewhere after this ends it. */
  #tokenAdoptedAt = 0
  /** The id tabs know the current token by (see {@link SharedSession.id}). */
  #tokenId: string | undefined
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

  constructor(options: AuthClientOptions) {
    this.#options = normalizeOptions(options)
    this.#env = this.#options.environment
    this.#store = new SessionStore(this.#options)
    this.#scheduler = new RefreshScheduler(this.#env, (cause) => this.#onDue(cause))
    const { clientId, timing } = this.#options
    this.#channel = new TabChannel(this.#env, clientId, (message) => this.#onTabMessage(message))
    this.#lock = new RefreshLock(this.#env, clientId, timing.lockTimeoutMs)
    this.#marks = new SessionMarks(this.#env.sharedMarks, clientId)
  }

  /** The options after validation and defaults (read-only). Used by the HTTP helpers. */
  get options(): Readonly<NormalizedOptions> {
    return this.#options
  }

  // ——— HTTP helpers (src/http): built on first use ———
  #http: KyInstance | undefined
  #fetch: typeof fetch | undefined

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
  // ——— end of HTTP helpers ———

  /** The current state; the same object until the state changes. */
  getState = (): AuthState => this.#state

  /**
   * Calls `listener` after every state change. Returns a function that unsubscribes. Bound, so it can be passed
   * around (e.g. to `useSyncExternalStore`).
   */
  subscribe = (listener: (state: AuthState) => void): (() => void) => {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  /** Calls `listener` with every {@link AuthEvent} (refreshes, failures, wake-ups, session start and end). */
  onEvent = (listener: (event: AuthEvent) => void): (() => void) => {
    this.#eventListeners.add(listener)
    return () => this.#eventListeners.delete(listener)
  }

  /**
   * Registers app cleanup (clear caches, reset stores) to run whenever a session ends by logout or revocation, in
   * this tab or another. Returns a function that unregisters it.
   */
  onSessionEnd = (callback: SessionEndCallback): (() => void) => {
    this.#sessionEndCallbacks.add(callback)
    return () => this.#sessionEndCallbacks.delete(callback)
  }

  /**
   * Restores or obtains a session: a persisted access token if the app opted in and it is still valid, otherwise
   * one refresh. Idempotent: every call returns the same promise. Never rejects for a missing session or a network
   * failure; the state says what happened (a transient failure keeps `initializing` and retries).
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
    if (typeof tokens !== 'object' || tokens === null) throw new TypeError('tokenlife: setTokens() needs { accessToken }')
    const { accessToken, refreshToken, expiresIn } = tokens
    if (typeof accessToken !== 'string' || accessToken === '') {
      throw new TypeError('tokenlife: setTokens(): `accessToken` must be a non-empty string')
    }
    if (refreshToken !== undefined && (typeof refreshToken !== 'string' || refreshToken === '')) {
      throw new TypeError('tokenlife: setTokens(): `refreshToken` must be a non-empty string when given')
    }
    if (expiresIn !== undefined && (typeof expiresIn !== 'number' || !Number.isFinite(expiresIn) || expiresIn < 0)) {
      throw new TypeError('tokenlife: setTokens(): `expiresIn` must be a non-negative number of seconds')
    }
    let claims
    try {
      claims = decodeClaims(accessToken)
    } catch (error) {
      throw new TypeError('tokenlife: setTokens(): `accessToken` looks like a JWT but does not decode', { cause: error })
    }
    const info = describeAccessToken(accessToken, claims, expiresIn, this.#env.now(), this.#clockOffsetMs)
    if (info === undefined) {
      throw new TypeError('tokenlife: setTokens(): cannot tell when `accessToken` expires; pass `expiresIn`')
    }
    this.#attach()
    this.#supersede()
    const state = this.#adopt(info, refreshToken, 'setTokens')
    return state
  }

  /**
   * A token that is valid now (with at least `timing.minValidityMs` left), refreshing first if needed; concurrent
   * callers share one refresh. Rejects with `SessionEndedError` when there is no session, or with the refresh's
   * transient error. `signal` stops the wait for this caller only.
   */
  async getAccessToken(options: { signal?: AbortSignal } = {}): Promise<string> {
    this.#assertUsable()
    if (this.#state.status === 'initializing') await abortable(this.start(), options.signal)
    const state = this.#state
    if (state.status === 'unauthenticated') throw new SessionEndedError(state.reason)
    if (state.status === 'authenticated' && this.#token && this.#isFresh(this.#token)) return state.accessToken
    if (state.error && this.#env.now() < this.#retryNotBefore) throw state.error
    return (await abortable(this.#refreshOnce('demand'), options.signal)).accessToken
  }

  /**
   * Refreshes now, whatever the token's age. Concurrent calls (and scheduled refreshes) share one request.
   * `signal` stops the wait for this caller only.
   */
  refresh(options: { signal?: AbortSignal } = {}): Promise<AuthenticatedState> {
    this.#assertUsable()
    this.#attach()
    return abortable(this.#refreshOnce('explicit'), options.signal)
  }

  /**
   * Ends the session: at once locally (state `unauthenticated`, reason `'logout'`, storage cleared, cleanup
   * callbacks run), then revokes it on the server, bounded by `logoutTimeoutMs`. Never rejects because the
   * server failed or the device is offline. Idempotent. `everywhere` asks the server to end every session of the
   * user.
   */
  logout(options: { everywhere?: boolean } = {}): Promise<void> {
    if (this.#loggingOut && this.#state.status === 'unauthenticated') return this.#loggingOut
    // A client that never started (a sign-out page) must still tell the other tabs.
    if (!this.#destroyed) this.#channel.open()
    this.#logouts++
    const hadSession = this.#state.status !== 'unauthenticated'
    const accessToken = this.#state.accessToken
    // Read the refresh token before the clear that endSession queues behind it.
    const refreshToken = this.#refreshToken
      ? Promise.resolve(this.#refreshToken)
      : this.#queueStorage(() => this.#store.readRefreshToken())
    const ended = this.#endSession('logout')
    const revoked = hadSession
      ? refreshToken.then((token) => this.#revoke({ accessToken, refreshToken: token, everywhere: options.everywhere === true }))
      : undefined
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

  /** Best-effort server-side revocation, bounded by `logoutTimeoutMs`; never rejects. */
  async #revoke(captured: { accessToken?: string; refreshToken?: string; everywhere: boolean }): Promise<void> {
    const { logoutUrl, wireFormat, logoutTimeoutMs } = this.#options
    if (logoutUrl === undefined) return
    const request = wireFormat.buildLogoutRequest({
      url: logoutUrl,
      refreshToken: this.#options.refreshTokenMode === 'storage' ? captured.refreshToken : undefined,
      accessToken: captured.accessToken,
      everywhere: captured.everywhere,
    })
    try {
      const response = await send(this.#env, request, { timeoutMs: logoutTimeoutMs })
      if (!response.ok) this.#emit({ type: 'revocation-failed', error: new Error(`HTTP ${response.status}`) })
    } catch (error) {
      this.#emit({ type: 'revocation-failed', error })
    }
  }

  /** Releases every timer, listener and request. The client cannot be used afterwards. */
  destroy(): void {
    if (this.#destroyed) return
    this.#destroyed = true
    this.#generation++
    this.#refreshAbort?.abort()
    this.#scheduler.cancel()
    this.#detachWake?.()
    this.#detachWake = undefined
    this.#channel.close()
    this.#listeners.clear()
    this.#eventListeners.clear()
    this.#sessionEndCallbacks.clear()
  }

  // ——— internals ———

  async #restore(): Promise<void> {
    this.#attach()
    if (this.#state.status !== 'initializing') return
    const generation = this.#generation
    const [persisted, refreshToken] = await this.#queueStorage(() =>
      Promise.all([this.#store.readAccessToken(), this.#store.readRefreshToken()]),
    )
    if (generation !== this.#generation || this.#state.status !== 'initializing') return
    this.#refreshToken = refreshToken
    if (persisted && this.#isFresh(persisted)) {
      let claims
      try {
        claims = decodeClaims(persisted.accessToken)
      } catch {
        claims = undefined
      }
      this.#adopt({ ...persisted, claims: claims ?? {} }, undefined, 'restore')
      return
    }
    if (this.#options.refreshTokenMode === 'storage' && refreshToken === undefined) {
      // Nothing stored here (memory-only storage, a new tab): another tab may still hold the session.
      const shared = await this.#channel.query(this.#options.timing.tabQueryTimeoutMs)
      if (generation !== this.#generation || this.#state.status !== 'initializing') return
      if (shared && this.#isFresh(shared)) this.#adoptShared(shared)
      else await this.#endSession('no_session')
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
    const before = this.#token
    const abort = new AbortController()
    this.#refreshAbort = abort
    this.#scheduler.cancel()
    this.#emit({ type: 'refresh-started', cause })
    try {
      // One refresh at a time across every tab; whoever gets the lock first checks what the others did meanwhile.
      return await this.#lock.run(async () => {
        if (generation !== this.#generation) return this.#supersededResult()
        const shared = await this.#newerSessionThan(before)
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
      if (isSessionEndedError(error)) {
        const state = this.#state
        const reason = state.status === 'authenticated' ? 'revoked' : (state.reason ?? 'no_session')
        await this.#endSession(reason)
        throw new SessionEndedError(reason, { status: error.status, error: error.error, cause: error })
      }
      throw this.#scheduleRetry(error instanceof Error ? error : new TokenlifeError(String(error), { cause: error }))
    } finally {
      if (this.#refreshAbort === abort) this.#refreshAbort = undefined
    }
  }

  /** One request to the refresh endpoint; success adopts the tokens (and waits until they are stored). */
  async #exchangeRefreshToken(generation: number, signal: AbortSignal): Promise<AuthenticatedState> {
    const { refreshUrl, refreshTokenMode, wireFormat, timing } = this.#options
    if (refreshTokenMode === 'storage') {
      this.#refreshToken ??= await this.#queueStorage(() => this.#store.readRefreshToken())
      if (this.#refreshToken === undefined) throw new SessionEndedError('no_session')
    }
    const request = wireFormat.buildRefreshRequest({ url: refreshUrl, refreshToken: this.#refreshToken })
    const response = await send(this.#env, request, { timeoutMs: timing.requestTimeoutMs, signal })
    const exchange = await readTokenResponse(this.#env, wireFormat, refreshUrl, response, 'refresh')
    if (generation !== this.#generation) return this.#supersededResult()
    const state = this.#acceptExchange(exchange, 'refresh')
    // Hold the lock until the rotated refresh token is stored, so the next holder reads the new one.
    await this.#storageQueue
    return state
  }

  /**
   * Called holding the refresh lock: did another tab obtain a session newer than `before` while this one waited (or,
   * with `afterRefusal`, just before the server refused our refresh token)? Adopts it if so. Also notices a logout
   * in another tab, and re-reads a refresh token another tab may have rotated in shared storage.
   */
  async #newerSessionThan(before: AccessTokenInfo | undefined, afterRefusal = false): Promise<AuthenticatedState | undefined> {
    const beforeExpiry = before?.expiresAt ?? Number.NEGATIVE_INFINITY
    const current = this.#token
    if (current && current !== before && current.expiresAt > beforeExpiry && this.#isFresh(current)) {
      return this.#state as AuthenticatedState
    }
    const mark = this.#marks.read()
    if (mark?.state === 'ended' && this.#state.status === 'authenticated' && mark.at >= this.#tokenAdoptedAt) {
      throw new SessionEndedError(mark.reason)
    }
    const someoneHasNewer =
      mark?.state === 'active' && mark.id !== this.#tokenId && mark.expiresAt >= beforeExpiry && this.#isFresh(mark)
    if (before === undefined || someoneHasNewer || afterRefusal) {
      const shared = await this.#channel.query(this.#options.timing.tabQueryTimeoutMs)
      if (shared && shared.expiresAt >= beforeExpiry && shared.id !== this.#tokenId && this.#isFresh(shared)) {
        return this.#adoptShared(shared)
      }
    }
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
    this.#dispatch({ type: 'failed', error })
    this.#emit({ type: 'refresh-failed', error, retryInMs: delay })
    this.#nextCause = 'retry'
    this.#scheduler.scheduleAt(this.#env.now() + delay)
    return error
  }

  #acceptExchange(exchange: TokenExchange, source: SessionSource): AuthenticatedState {
    const { token, claims, receivedAt, dateHeader } = exchange
    const offset = estimateClockOffset({ receivedAt, dateHeader, issuedAt: claims?.iat })
    if (offset !== undefined) this.#clockOffsetMs = offset
    // readTokenResponse has checked that an expiry is known.
    const info = describeAccessToken(token.accessToken, claims, token.expiresIn, receivedAt, this.#clockOffsetMs)!
    return this.#adopt(info, token.refreshToken, source)
  }

  /** Makes `info` the session's token: state, storage and the next scheduled refresh. */
  #adopt(
    info: AccessTokenInfo,
    refreshToken: string | undefined,
    source: SessionSource,
    id = randomId(),
  ): AuthenticatedState {
    const wasAuthenticated = this.#state.status === 'authenticated'
    this.#token = info
    this.#tokenId = id
    this.#tokenAdoptedAt = this.#env.now()
    // In cookie mode the refresh token is the browser's business: one that a server also puts in the body is ignored.
    const keepRefreshToken = refreshToken !== undefined && this.#options.refreshTokenMode === 'storage'
    if (keepRefreshToken) this.#refreshToken = refreshToken
    this.#failures = 0
    this.#retryNotBefore = 0
    this.#dispatch({ type: 'tokens', token: info })
    this.#queueStorage(async () => {
      if (keepRefreshToken) await this.#store.writeRefreshToken(refreshToken)
      await this.#store.writeAccessToken(info)
    })
    if (source !== 'tab') {
      this.#marks.write({ state: 'active', id, expiresAt: info.expiresAt })
      this.#channel.post({ type: 'session', session: this.#shareable(info) })
    }
    this.#nextCause = 'schedule'
    const { timing } = this.#options
    this.#scheduler.scheduleAt(refreshDueAt(timing, info.expiresAt, info.lifetimeMs, this.#env.now(), this.#env.random()))
    this.#emit(
      wasAuthenticated && source === 'refresh'
        ? { type: 'refresh-succeeded', expiresAt: info.expiresAt }
        : { type: 'session-started', source, expiresAt: info.expiresAt },
    )
    return this.#state as AuthenticatedState
  }

  /**
   * Ends the session locally and at once: state, timers, in-flight work; then clears storage and runs the app's
   * cleanup callbacks (only when a session really ended). Resolves when storage is clear.
   */
  #endSession(reason: UnauthenticatedReason, from: 'this-tab' | 'another-tab' = 'this-tab'): Promise<void> {
    const hadSession = this.#state.status !== 'unauthenticated' && reason !== 'no_session'
    if (from === 'this-tab' && reason !== 'no_session') {
      // Tell the other tabs first: none of them should wait for a server round trip to learn of it.
      this.#marks.write({ state: 'ended', reason, at: this.#env.now() })
      this.#channel.post({ type: 'ended', reason })
    }
    this.#supersede()
    this.#token = undefined
    this.#refreshToken = undefined
    this.#dispatch({ type: 'ended', reason })
    const cleared = this.#queueStorage(() => this.#store.clear())
    if (!hadSession) return cleared
    this.#emit({ type: 'session-ended', reason })
    const callbacks = [...this.#sessionEndCallbacks].map(async (callback) => {
      try {
        await callback(reason)
      } catch (error) {
        this.#emit({ type: 'cleanup-failed', error })
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

  #onDue(cause: WakeCause | 'timer'): void {
    if (this.#destroyed || this.#state.status === 'unauthenticated') return
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
    this.#emit({ type: 'wake', cause })
    this.#catchUp()
    if (cause === 'online' && this.#waitingForOnline) this.#scheduler.scheduleAt(this.#env.now())
    this.#scheduler.check(cause)
  }

  /** Starts listening for wake-ups (visibility, focus, pageshow, online); once. */
  #attach(): void {
    if (this.#detachWake || this.#destroyed) return
    this.#detachWake = this.#env.onWake((cause) => this.#onWake(cause))
    this.#channel.open()
  }

  /** News from another tab, already validated: the same reducer path as local work. */
  #onTabMessage(message: TabMessage): void {
    if (this.#destroyed) return
    switch (message.type) {
      case 'session':
        if (this.#isNewer(message.session)) this.#adoptShared(message.session)
        return
      case 'ended':
        if (this.#state.status !== 'unauthenticated') void this.#endSession(message.reason, 'another-tab')
        return
      case 'query':
        if (this.#token && this.#state.status === 'authenticated' && this.#isFresh(this.#token)) {
          this.#channel.post({ type: 'answer', id: message.id, session: this.#shareable(this.#token) })
        }
        return
    }
  }

  /** Takes a session another tab obtained, without a request of our own. */
  #adoptShared(session: SharedSession): AuthenticatedState | undefined {
    let claims
    try {
      claims = decodeClaims(session.accessToken)
    } catch {
      return undefined
    }
    this.#supersede()
    const { accessToken, expiresAt, lifetimeMs } = session
    return this.#adopt({ accessToken, claims: claims ?? {}, expiresAt, lifetimeMs }, session.refreshToken, 'tab', session.id)
  }

  #shareable(info: AccessTokenInfo): SharedSession {
    const { accessToken, expiresAt, lifetimeMs } = info
    const id = this.#tokenId ?? randomId()
    const refreshToken = this.#options.refreshTokenMode === 'storage' ? this.#refreshToken : undefined
    return refreshToken === undefined
      ? { id, accessToken, expiresAt, lifetimeMs }
      : { id, accessToken, expiresAt, lifetimeMs, refreshToken }
  }

  /** Whether another tab's session replaces ours: a different token that lives at least as long. */
  #isNewer(session: SharedSession): boolean {
    const current = this.#token
    return !current || (session.accessToken !== current.accessToken && session.expiresAt >= current.expiresAt)
  }

  /**
   * Whether a token still has `minValidityMs` left (never more than a quarter of its lifetime, so very short-lived
   * tokens are not refreshed on every call).
   */
  #isFresh(token: { expiresAt: number; lifetimeMs?: number }): boolean {
    const { minValidityMs } = this.#options.timing
    const margin = token.lifetimeMs === undefined ? minValidityMs : Math.min(minValidityMs, token.lifetimeMs / 4)
    return token.expiresAt - margin > this.#env.now()
  }

  /**
   * After a wake-up a tab may have missed messages (frozen, asleep): the shared mark tells it whether the session
   * ended elsewhere or a newer token exists; then it asks the other tabs for it.
   */
  #catchUp(): void {
    const mark = this.#marks.read()
    if (!mark) return
    if (mark.state === 'ended') {
      if (this.#state.status !== 'unauthenticated' && this.#token && mark.at >= this.#tokenAdoptedAt) {
        void this.#endSession(mark.reason, 'another-tab')
      }
      return
    }
    if (mark.id !== this.#tokenId && this.#isFresh(mark)) {
      void this.#channel.query(this.#options.timing.tabQueryTimeoutMs).then((shared) => {
        if (shared && !this.#destroyed && this.#isNewer(shared)) this.#adoptShared(shared)
      })
    }
  }

  #dispatch(action: AuthAction): void {
    const next = authReducer(this.#state, action)
    if (next === this.#state) return
    this.#state = next
    for (const listener of [...this.#listeners]) {
      try {
        listener(next)
      } catch (error) {
        this.#env.warn(`a subscriber threw: ${String(error)}`)
      }
    }
  }

  #emit(event: AuthEvent): void {
    this.#options.debug?.(event)
    for (const listener of [...this.#eventListeners]) {
      try {
        listener(event)
      } catch (error) {
        this.#env.warn(`an event listener threw: ${String(error)}`)
      }
    }
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
    const state = this.#state
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

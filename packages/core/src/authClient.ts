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
  #state: AuthState = { status: 'initializing' }
  readonly #listeners = new Set<(state: AuthState) => void>()
  readonly #eventListeners = new Set<(event: AuthEvent) => void>()
  readonly #sessionEndCallbacks = new Set<SessionEndCallback>()
  #token: AccessTokenInfo | undefined
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
  #storageQueue: Promise<unknown> = Promise.resolve()
  #detachWake: (() => void) | undefined
  #destroyed = false

  constructor(options: AuthClientOptions) {
    this.#options = normalizeOptions(options)
    this.#env = this.#options.environment
    this.#store = new SessionStore(this.#options)
    this.#scheduler = new RefreshScheduler(this.#env, (cause) => this.#onDue(cause))
  }

  /** The options after validation and defaults (read-only). Used by the HTTP helpers. */
  get options(): Readonly<NormalizedOptions> {
    return this.#options
  }

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
    const request = wireFormat.buildLoginRequest({ url: loginUrl, credentials, refreshTokenMode })
    const response = await send(this.#env, request, { timeoutMs: timing.requestTimeoutMs })
    const exchange = await readTokenResponse(this.#env, wireFormat, loginUrl, response, 'login')
    this.#assertUsable()
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
    if (state.status === 'authenticated' && state.expiresAt - this.#options.timing.minValidityMs > this.#env.now()) {
      return state.accessToken
    }
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
    if (this.#loggingOut) return this.#loggingOut
    const hadSession = this.#state.status !== 'unauthenticated'
    const accessToken = this.#state.accessToken
    // Read the refresh token before the clear that endSession queues behind it.
    const refreshToken = this.#refreshToken
      ? Promise.resolve(this.#refreshToken)
      : this.#queueStorage(() => this.#store.readRefreshToken())
    const ended = this.#endSession('logout')
    const run = async () => {
      await ended
      const { logoutUrl, wireFormat, logoutTimeoutMs } = this.#options
      if (!hadSession || logoutUrl === undefined) return
      const request = wireFormat.buildLogoutRequest({
        url: logoutUrl,
        refreshToken: await refreshToken,
        accessToken,
        everywhere: options.everywhere === true,
      })
      try {
        const response = await send(this.#env, request, { timeoutMs: logoutTimeoutMs })
        if (!response.ok) this.#emit({ type: 'revocation-failed', error: new Error(`HTTP ${response.status}`) })
      } catch (error) {
        this.#emit({ type: 'revocation-failed', error })
      }
    }
    const loggingOut = run().finally(() => {
      this.#loggingOut = undefined
    })
    this.#loggingOut = loggingOut
    return loggingOut
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
    if (persisted && persisted.expiresAt - this.#options.timing.minValidityMs > this.#env.now()) {
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
      await this.#endSession('no_session')
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
    const abort = new AbortController()
    this.#refreshAbort = abort
    this.#scheduler.cancel()
    this.#emit({ type: 'refresh-started', cause })
    const { refreshUrl, refreshTokenMode, wireFormat, timing } = this.#options
    try {
      if (refreshTokenMode === 'storage') {
        this.#refreshToken ??= await this.#queueStorage(() => this.#store.readRefreshToken())
        if (this.#refreshToken === undefined) throw new SessionEndedError('no_session')
      }
      const request = wireFormat.buildRefreshRequest({ url: refreshUrl, refreshToken: this.#refreshToken })
      const response = await send(this.#env, request, { timeoutMs: timing.requestTimeoutMs, signal: abort.signal })
      const exchange = await readTokenResponse(this.#env, wireFormat, refreshUrl, response, 'refresh')
      if (generation !== this.#generation) return this.#supersededResult()
      const state = this.#acceptExchange(exchange, 'refresh')
      await this.#storageQueue
      return state
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
  #adopt(info: AccessTokenInfo, refreshToken: string | undefined, source: SessionSource): AuthenticatedState {
    const wasAuthenticated = this.#state.status === 'authenticated'
    this.#token = info
    if (refreshToken !== undefined) this.#refreshToken = refreshToken
    this.#failures = 0
    this.#retryNotBefore = 0
    this.#dispatch({ type: 'tokens', token: info })
    this.#queueStorage(async () => {
      if (refreshToken !== undefined && this.#options.refreshTokenMode === 'storage') {
        await this.#store.writeRefreshToken(refreshToken)
      }
      await this.#store.writeAccessToken(info)
    })
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
  #endSession(reason: UnauthenticatedReason): Promise<void> {
    const hadSession = this.#state.status !== 'unauthenticated'
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
    if (cause === 'online' && this.#waitingForOnline) this.#scheduler.scheduleAt(this.#env.now())
    this.#scheduler.check(cause)
  }

  /** Starts listening for wake-ups (visibility, focus, pageshow, online); once. */
  #attach(): void {
    if (this.#detachWake || this.#destroyed) return
    this.#detachWake = this.#env.onWake((cause) => this.#onWake(cause))
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

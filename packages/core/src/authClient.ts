import { abortable } from './abortable'
import type { AuthEvent, RefreshCause } from './authEvents'
import type { AuthenticatedState, AuthState } from './authState'
import type { Environment } from './ports'
import { invalid } from './diagnostics/diagnostic'
import { isConfigurationError, SessionEndedError, tokenlifeError, type TokenlifeError } from './errors'
import { createOriginPolicy, type OriginPolicy } from './originPolicy'
import { normalizeOptions, type AuthClientOptions, type NormalizedOptions } from './options'
import { RefreshFlight } from './refreshFlight'
import { RefreshLock } from './refreshLock'
import { RefreshSchedule } from './refreshSchedule'
import { revokeSession, type RevocationRequest } from './revocation'
import { SessionHolder, type SessionEndCallback } from './sessionHolder'
import { restoreSession } from './sessionRestore'
import { readTokenInput, type TokenInput } from './tokenInput'
import { isFresh } from './tokens'
import { readTokenResponse, send } from './transport'

export type { TokenInput } from './tokenInput'

export type { SessionEndCallback } from './sessionHolder'

/**
 * Holds one session: the state store, silent refresh, single-flight refresh (in this tab and across tabs), storage
 * and logout. Create it with {@link createAuthClient}.
 */
export class AuthClient {
  readonly #options: NormalizedOptions
  readonly #env: Environment
  readonly #holder: SessionHolder
  readonly #lock: RefreshLock
  readonly #flight: RefreshFlight
  readonly #schedule: RefreshSchedule
  #starting: Promise<void> | undefined
  #loggingOut: Promise<void> | undefined
  #detachWake: (() => void) | undefined
  #destroyed = false
  readonly #originPolicy: OriginPolicy

  constructor(options: AuthClientOptions) {
    this.#options = normalizeOptions(options)
    // Bad `allowedOrigins` entries throw here, before anything was set up.
    this.#originPolicy = createOriginPolicy(this.#options, this.#options.environment)
    const { environment, namespace, timing } = this.#options
    this.#env = environment
    this.#lock = new RefreshLock(environment, namespace, timing.lockTimeoutMs)
    this.#holder = new SessionHolder(this.#options, {
      adopted: (session, news) => {
        // Tokens this tab obtained are published where the next lock holder is sure to see them.
        if (news) void this.#lock.publish(session)
        this.#schedule.adopted(session.token)
      },
      ended: () => this.#schedule.cancel(),
      holdsRefreshLock: () => this.#flight.holding,
      sessionElsewhere: () => {
        if (this.#destroyed || this.getState().status === 'authenticated') return
        this.#refreshQuietly('start')
      },
    })
    this.#schedule = new RefreshSchedule(environment, timing, this.#holder, {
      active: () => !this.#destroyed && this.getState().status !== 'unauthenticated',
      refresh: (cause) => this.#refreshQuietly(cause),
    })
    this.#lock.probeHolderWith(() => this.#holder.tabs.holderAlive())
    this.#flight = new RefreshFlight(this.#options, this.#holder, this.#lock, {
      failed: (error) => {
        if (!this.#destroyed) this.#schedule.failed(error)
      },
      misconfigured: (error) => {
        // No retry would help: keep the session (it is fine once the setup is fixed), say so once, schedule
        // nothing (not even the refresh that was due); an explicit refresh() tries again.
        this.#schedule.cancel()
        this.#env.error(error.message)
        const state = this.#holder.state
        state.batch(() => {
          state.dispatch({ type: 'failed', error })
          state.emit({ type: 'configuration-error', error })
        })
      },
      revoke: (captured) => void this.#revoke(captured),
      assertUsable: () => this.#assertUsable(),
    })
  }

  /**
   * Whether a request to `url` may carry the access token: its origin is this page's, one of the endpoints', or in
   * `allowedOrigins` (path prefixes there narrow it). A relative `url` is judged as `fetch` would resolve it,
   * against the document's base URL now. The HTTP helpers ({@link createAuthFetch}, and `createAuthHttp` and
   * `authHooks` from `@tokenlife/core/ky`) ask this before they attach the token.
   */
  allows = (url: string | URL): boolean => this.#originPolicy.allows(url)

  /** The `fetch` this client sends with and the base URL relative URLs resolve against (for the HTTP helpers). */
  get ports(): Pick<Environment, 'fetch' | 'baseUrl'> {
    return this.#env
  }

  /** The current state; the same object until the state changes. */
  getState = (): AuthState => this.#holder.state.getState()

  /**
   * Calls `listener` after every state change, once the change is complete (a listener may call back into the
   * client). Returns a function that unsubscribes. Bound, so it can be passed around (e.g. to
   * `useSyncExternalStore`).
   */
  subscribe = (listener: (state: AuthState) => void): (() => void) => this.#holder.state.subscribe(listener)

  /** Calls `listener` with every {@link AuthEvent} (refreshes, failures, wake-ups, session start and end). */
  onEvent = (listener: (event: AuthEvent) => void): (() => void) => this.#holder.state.onEvent(listener)

  /**
   * Registers app cleanup (clear caches, reset stores) to run whenever a session ends by logout or revocation, in
   * this tab or another. Returns a function that unregisters it.
   */
  onSessionEnd = (callback: SessionEndCallback): (() => void) => this.#holder.onSessionEnd(callback)

  /**
   * Restores or obtains a session: a persisted access token if the app opted in and it is still valid (and was
   * not logged out since), else a sibling tab's session, else one refresh. Idempotent: every call returns the same
   * promise. Never rejects for a missing session or a network failure; the state says what happened (a transient
   * failure keeps `initializing` and retries).
   */
  start(): Promise<void> {
    if (this.#destroyed) return Promise.reject(this.#destroyedError())
    return (this.#starting ??= this.#restore())
  }

  /**
   * Signs in by POSTing `credentials` as JSON to `loginUrl`, holding the refresh lock (so no refresh of an older
   * session is on the wire meanwhile). Resolves with the new state; rejects with a `LoginError` when the server
   * refuses (the state is unchanged), `SessionEndedError` when a logout happened while it was on the wire (the new
   * session is revoked), or a transient error.
   */
  async login(credentials: unknown): Promise<AuthenticatedState> {
    this.#assertUsable()
    const { loginUrl, refreshTokenMode, wireFormat, timing } = this.#options
    if (loginUrl === undefined) invalid('TL137', 'login()')
    this.#attach()
    const request = wireFormat.buildLoginRequest({ url: loginUrl, credentials, refreshTokenMode })
    return this.#lock.run(async () => {
      const requestedAt = this.#holder.stamp()
      const response = await send(this.#env, request, { timeoutMs: timing.requestTimeoutMs })
      const exchange = await readTokenResponse(this.#env, wireFormat, loginUrl, response, 'login')
      this.#holder.tabs.heardServer(this.#options.refreshUrl, response)
      this.#assertUsable()
      const adopted = this.#holder.acceptExchange(exchange, 'login', { startedAt: requestedAt, requestedAt })
      if (!adopted) {
        // The user logged out while this login was on the wire: the new session must not sign them back in.
        const { accessToken, refreshToken } = exchange.token
        void this.#revoke({ accessToken, refreshToken, everywhere: false })
        throw new SessionEndedError('logout')
      }
      await Promise.all([this.#holder.storageSettled(), this.#lock.published()])
      return adopted
    })
  }

  /**
   * Adopts tokens obtained by any other flow. A JWT `exp` (without `expiresIn`) is converted with the server clock
   * offset learnt from earlier responses. Throws a `TypeError` when they are unusable (not a string, a JWT that
   * does not decode, no way to tell the expiry).
   */
  setTokens(tokens: TokenInput): AuthenticatedState {
    this.#assertUsable()
    const info = readTokenInput(tokens, this.#env.now(), this.#holder.clockOffsetMs ?? 0)
    this.#attach()
    const requestedAt = this.#holder.stamp()
    const adopted = this.#holder.adopt({ token: info, startedAt: requestedAt, requestedAt }, tokens.refreshToken, 'setTokens')
    // A new session always starts after every end this tab knows of.
    return adopted!
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
    const session = this.#holder.session
    if (session && this.#isFresh(session.token)) return session.token.accessToken
    // A misconfigured client (see ConfigurationError) asks the server again only on an explicit refresh().
    if (state.error && (this.#schedule.holdingOff || isConfigurationError(state.error))) throw state.error
    return (await abortable(this.#flight.run('demand'), options.signal)).accessToken
  }

  /**
   * Refreshes now, whatever the token's age. Concurrent calls (and scheduled refreshes) share one request; across
   * tabs, a newer token another tab obtained meanwhile is adopted instead. `signal` stops the wait for this caller;
   * the request itself, once sent, always completes (its answer holds the rotated refresh token).
   */
  refresh(options: { signal?: AbortSignal } = {}): Promise<AuthenticatedState> {
    if (this.#destroyed) return Promise.reject(this.#destroyedError())
    this.#attach()
    // The server asked us to wait (429/503 Retry-After): even an explicit refresh does not ask again before then.
    const { error } = this.getState()
    if (error && this.#schedule.holdingOff) return Promise.reject(error)
    return abortable(this.#flight.run('explicit'), options.signal)
  }

  /**
   * Ends the session: at once locally and in every tab (state `unauthenticated`, reason `'logout'`, storage
   * cleared, cleanup callbacks run), then revokes it on the server, bounded by `logoutTimeoutMs`. Final: no tab
   * adopts a token of a session that started before it, and tokens still on the wire are revoked when they arrive.
   * Never rejects because the server failed or the device is offline. Idempotent. `everywhere` asks the server to
   * end every session of the user.
   */
  logout(options: { everywhere?: boolean } = {}): Promise<void> {
    if (this.#loggingOut && this.getState().status === 'unauthenticated') return this.#loggingOut
    // A client that never started (a sign-out page) must still tell the other tabs.
    if (!this.#destroyed) this.#holder.tabs.open()
    const hadSession = this.getState().status !== 'unauthenticated'
    const accessToken = this.getState().accessToken
    // Read the refresh token before the clear that end() queues behind it.
    const known = this.#holder.refreshToken
    const refreshToken =
      known !== undefined ? Promise.resolve(known) : this.#holder.queueStorage(() => this.#holder.store.readRefreshToken())
    const ended = this.#holder.end('logout', 'this-tab')
    const everywhere = options.everywhere === true
    // The server may hold a session this tab has not heard of yet (a sibling's login): in cookie mode behind the
    // browser's cookie, in storage mode behind a refresh token in storage. A logout ends it too, so it is revoked.
    const cookieMode = this.#options.refreshTokenMode === 'cookie'
    const revoked = refreshToken.then((token) =>
      hadSession || cookieMode || token !== undefined ? this.#revoke({ accessToken, refreshToken: token, everywhere }) : undefined,
    )
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

  /**
   * Releases every timer, listener and channel. A refresh request already on the wire is not aborted: its rotated
   * refresh token is still stored for the tabs that live on. The client cannot be used afterwards.
   */
  destroy(): void {
    if (this.#destroyed) return
    this.#destroyed = true
    this.#schedule.cancel()
    this.#detachWake?.()
    this.#detachWake = undefined
    this.#holder.tabs.close()
    this.#lock.close()
    this.#holder.clear()
  }

  // ——— restoring and refreshing ———

  async #restore(): Promise<void> {
    this.#attach()
    await restoreSession({
      holder: this.#holder,
      flight: this.#flight,
      refreshTokenMode: this.#options.refreshTokenMode,
      isFresh: (token) => this.#isFresh(token),
      stillStarting: () => !this.#destroyed && this.getState().status === 'initializing',
    })
  }

  /** A refresh whose outcome is in the state and events (and, if transient, a scheduled retry). */
  #refreshQuietly(cause: RefreshCause): void {
    this.#flight.run(cause).catch(() => {})
  }

  async #revoke(captured: RevocationRequest): Promise<void> {
    const error = await revokeSession(this.#options, captured)
    if (error !== undefined) this.#holder.state.emit({ type: 'revocation-failed', error })
  }

  // ——— plumbing ———

  /** Starts listening for wake-ups (visibility, focus, pageshow, online) and to the other tabs; once. */
  #attach(): void {
    if (this.#detachWake || this.#destroyed) return
    this.#detachWake = this.#env.onWake((cause) => this.#schedule.wake(cause))
    this.#holder.tabs.open()
  }

  #isFresh(token: { expiresAt: number; lifetimeMs?: number }): boolean {
    return isFresh(token, this.#options.timing.minValidityMs, this.#env.now())
  }

  #destroyedError(): TokenlifeError {
    return tokenlifeError('TL138')
  }

  #assertUsable(): void {
    if (this.#destroyed) throw this.#destroyedError()
  }
}


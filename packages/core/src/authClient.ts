import { abortable } from './abortable'
import type { AuthEvent, RefreshCause } from './authEvents'
import type { AuthenticatedState, AuthState } from './authState'
import type { Environment } from './ports'
import { invalid } from './diagnostics/diagnostic'
import { isConfigurationError, SessionEndedError, tokenlifeError, type TokenlifeError } from './errors'
import type { IdleStore } from './idleState'
import { createOriginPolicy, type OriginPolicy } from './originPolicy'
import { normalizeOptions, type AuthClientOptions, type NormalizedOptions } from './options'
import { RefreshFlight } from './refreshFlight'
import { RefreshLock } from './refreshLock'
import { RefreshSchedule } from './refreshSchedule'
import { SessionHolder, type SessionEndCallback } from './sessionHolder'
import { SessionPolicy } from './sessionPolicy'
import { restoreSession } from './sessionRestore'
import { bindToKey, readTokenInput, type TokenInput } from './tokenInput'
import { isFresh } from './tokens'
import type { RevocationRequest } from './revocation'
import { signIn } from './signIn'
import type { AuthDpop } from './dpop/dpop'

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
  readonly #policy: SessionPolicy
  #starting: Promise<void> | undefined
  #loggingOut: Promise<void> | undefined
  #detachWake: (() => void) | undefined
  #destroyed = false
  readonly #originPolicy: OriginPolicy
  /**
   * With `dpop: true`, the session's DPoP keys and proofs (see {@link AuthDpop}): for a sign-in that binds its
   * first tokens (`@tokenlife/oauth`), for the HTTP helpers, and for requests an app signs itself; else `undefined`.
   */
  readonly dpop: AuthDpop | undefined

  constructor(options: AuthClientOptions) {
    this.#options = normalizeOptions(options)
    // Bad `allowedOrigins` entries throw here, before anything was set up.
    this.#originPolicy = createOriginPolicy(this.#options, this.#options.environment)
    const { environment, namespace, timing } = this.#options
    this.#env = environment
    this.#lock = new RefreshLock(environment, namespace, timing.lockTimeoutMs)
    this.#holder = new SessionHolder(this.#options, {
      adopted: (session, news, source) => {
        // Tokens this tab obtained are published where the next lock holder is sure to see them.
        if (news) void this.#lock.publish(session)
        this.#schedule.adopted(session.refreshAt)
        this.#policy.adopted(session, source)
      },
      ended: (reason) => {
        this.#schedule.cancel()
        this.#policy.ended(reason)
      },
      activity: (at) => this.#policy.heard(at),
      holdsRefreshLock: () => this.#flight.holding,
      sessionElsewhere: () => {
        if (this.#destroyed || this.getState().status === 'authenticated') return
        this.#refreshQuietly('start')
      },
    })
    this.#policy = new SessionPolicy(this.#options, {
      holder: this.#holder,
      lock: this.#lock,
      expire: () => void this.#endFor('idle', false),
    })
    this.#schedule = new RefreshSchedule(environment, timing, this.#holder, {
      active: () => !this.#destroyed && this.getState().status !== 'unauthenticated',
      refresh: (cause) => this.#refreshQuietly(cause),
    })
    this.dpop = this.#holder.dpop
    this.#lock.probeHolderWith(() => this.#holder.tabs.holderAlive())
    this.#flight = new RefreshFlight(this.#options, this.#holder, this.#lock, {
      failed: (error) => {
        if (!this.#destroyed) this.#schedule.failed(error)
      },
      misconfigured: (error) => this.#schedule.misconfigured(error),
      revoke: (captured) => void this.#policy.revoke(captured),
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

  /**
   * The idle timeout's state (`idle` option, {@link idleTimeout}): `'off'`, `'active'`, or `'warning'` with the
   * `deadline` and the seconds left; a store (`getState`, `subscribe`) for a "you will be signed out" dialog.
   */
  get idle(): IdleStore {
    return this.#policy.idle
  }

  /** The user is still here: the idle deadline moves on, and a warning shown in any tab is cancelled in every tab. */
  stillHere = (): void => this.#policy.stillHere()

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
    const { loginUrl } = this.#options
    if (loginUrl === undefined) invalid('TL137', 'login()')
    this.#attach()
    const context = { options: { ...this.#options, loginUrl }, holder: this.#holder, lock: this.#lock, assertUsable: () => this.#assertUsable() }
    return signIn({ ...context, revoke: (captured: RevocationRequest) => this.#policy.revoke(captured) }, credentials)
  }

  /**
   * Adopts tokens obtained by any other flow. A JWT `exp` (without `expiresIn`) is converted with the server clock
   * offset learnt from earlier responses. Throws a `TypeError` when they are unusable (not a string, a JWT that
   * does not decode, no way to tell the expiry).
   */
  setTokens(tokens: TokenInput): AuthenticatedState {
    this.#assertUsable()
    const info = bindToKey(this.#holder.dpop, tokens, readTokenInput(tokens, this.#env.now(), this.#holder.clockOffsetMs ?? 0))
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
    // Past the idle deadline (the device slept through it), the session ends before the token can leave.
    this.#policy.expired()
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
    if (this.#policy.expired()) return Promise.reject(new SessionEndedError('idle'))
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
    return this.#endFor('logout', options.everywhere === true)
  }

  /** A logout (see {@link endSession}), the user's or for inactivity; one at a time. */
  #endFor(reason: 'logout' | 'idle', everywhere: boolean, since?: number): Promise<void> {
    const loggingOut = this.#policy.end(reason, everywhere, since)
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
    this.#policy.close()
    this.#detachWake?.()
    this.#detachWake = undefined
    this.#holder.tabs.close()
    this.#lock.close()
    this.#holder.clear()
  }

  // ——— restoring and refreshing ———

  async #restore(): Promise<void> {
    this.#attach()
    // Every tab was closed when the session idled out: it ends now, before anything restores it.
    const idleSince = this.#policy.idleAtStart()
    if (idleSince !== undefined) return this.#endFor('idle', false, idleSince)
    const { refreshTokenMode } = this.#options
    const stillStarting = () => !this.#destroyed && this.getState().status === 'initializing'
    await restoreSession({ holder: this.#holder, flight: this.#flight, refreshTokenMode, isFresh: (token) => this.#isFresh(token), stillStarting })
  }

  /** A refresh whose outcome is in the state and events (and, if transient, a scheduled retry). */
  #refreshQuietly(cause: RefreshCause): void {
    // A session past its idle deadline ends; it is never renewed.
    if (!this.#policy.expired()) this.#flight.run(cause).catch(() => {})
  }

  // ——— plumbing ———

  /** Starts listening for wake-ups (visibility, focus, pageshow, online) and to the other tabs; once. */
  #attach(): void {
    if (this.#detachWake || this.#destroyed) return
    // DPoP: load its chunk now (setTokens() checks the key synchronously); where it cannot work, it says so once.
    this.dpop?.key().catch(() => {})
    // The policy first: a device that wakes past the idle deadline signs out before anything refreshes.
    this.#detachWake = this.#env.onWake((cause) => {
      this.#policy.wake()
      this.#schedule.wake(cause)
    })
    this.#policy.attach()
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


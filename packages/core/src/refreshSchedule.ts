import type { RefreshCause } from './authEvents'
import type { ConfigurationError } from './errors'
import type { Environment, WakeCause } from './ports'
import { RefreshScheduler } from './refreshScheduler'
import type { RefreshTiming } from './refreshTiming'
import { RetryPolicy } from './retryPolicy'
import type { SessionHolder } from './sessionHolder'

/** What the schedule needs from the client around it. */
export interface RefreshScheduleHost {
  /** Whether a due refresh should still happen (the client is alive and has a session, or is starting). */
  active(): boolean
  /** Starts (or joins) a refresh. */
  refresh(cause: RefreshCause): void
}

/**
 * When the next refresh happens: on time before expiry, after a transient failure with backoff (and the server's
 * `Retry-After`), when the device comes back online, and at once when a wake-up finds it overdue.
 */
export class RefreshSchedule {
  readonly #env: Environment
  readonly #timing: RefreshTiming
  readonly #holder: SessionHolder
  readonly #host: RefreshScheduleHost
  readonly #scheduler: RefreshScheduler
  readonly #retry: RetryPolicy
  #nextCause: RefreshCause = 'schedule'
  #waitingForOnline = false

  constructor(env: Environment, timing: RefreshTiming, holder: SessionHolder, host: RefreshScheduleHost) {
    this.#env = env
    this.#timing = timing
    this.#holder = holder
    this.#host = host
    this.#retry = new RetryPolicy(timing, env)
    this.#scheduler = new RefreshScheduler(env, (cause) => this.#onDue(cause))
  }

  /** Whether the server asked us to wait (429/503 `Retry-After`) and the time has not come. */
  get holdingOff(): boolean {
    return this.#retry.holdingOff
  }

  /** A new token: start afresh and refresh it at `refreshAt` (device ms, chosen with the token: see SessionHolder). */
  adopted(refreshAt: number): void {
    this.#retry.reset()
    this.#waitingForOnline = false
    this.#nextCause = 'schedule'
    this.#scheduler.scheduleAt(refreshAt)
  }

  /** No session, or nothing to try until the app asks: no refresh is due. */
  cancel(): void {
    this.#retry.reset()
    this.#waitingForOnline = false
    this.#scheduler.cancel()
  }

  /** Keeps the session after a transient failure and schedules the next try with backoff. */
  failed(error: Error): void {
    const delay = this.#retry.failed(error)
    const state = this.#holder.state
    state.batch(() => {
      state.dispatch({ type: 'failed', error })
      state.emit({ type: 'refresh-failed', error, retryInMs: delay })
    })
    this.#nextCause = 'retry'
    this.#scheduler.scheduleAt(this.#env.now() + delay)
  }

  /**
   * The server says the client is misconfigured (see `ConfigurationError`). No retry would help: the session is kept
   * (it is fine once the setup is fixed), said so once, and nothing is scheduled (not even the refresh that was due);
   * an explicit refresh() tries again.
   */
  misconfigured(error: ConfigurationError): void {
    this.cancel()
    this.#env.error(error.message)
    const state = this.#holder.state
    state.batch(() => {
      state.dispatch({ type: 'failed', error })
      state.emit({ type: 'configuration-error', error })
    })
  }

  /** The page became visible, was restored, gained focus or came back online. */
  wake(cause: WakeCause): void {
    this.#holder.state.emit({ type: 'wake', cause })
    this.#holder.tabs.catchUp()
    if (cause === 'online' && this.#waitingForOnline) this.#scheduler.scheduleAt(this.#env.now())
    this.#scheduler.check(cause)
  }

  #onDue(cause: WakeCause | 'timer'): void {
    if (!this.#host.active()) return
    if (cause === 'late-timer') {
      // The timer fired long after it should have: the tab was throttled or the device slept, as on any wake-up.
      this.#holder.state.emit({ type: 'wake', cause })
      this.#holder.tabs.catchUp()
      if (!this.#host.active()) return
    }
    if (!this.#env.isOnline()) {
      // Offline: wait for the `online` event, but look again later in case it never comes.
      this.#waitingForOnline = true
      this.#scheduler.scheduleAt(this.#env.now() + this.#timing.retryMaxMs)
      return
    }
    this.#waitingForOnline = false
    this.#host.refresh(cause === 'timer' ? this.#nextCause : this.#nextCause === 'retry' ? 'retry' : 'schedule')
  }
}

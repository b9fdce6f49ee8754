import type { Environment, TimerHandle, WakeCause } from './ports'

/** The longest delay `setTimeout` accepts (2^31 - 1 ms); longer ones fire at once in browsers. */
export const MAX_TIMER_MS = 2 ** 31 - 1

/**
 * Calls back when a moment on the device clock has come. Waits in slices of at most `sliceMs` and checks the
 * wall clock on every wake-up, so a background tab whose timers are throttled, or a device that slept (timers
 * stop, the clock does not), still fires as soon as it runs again. Fires late rather than never; never early.
 */
export class RefreshScheduler {
  #env: Environment
  #sliceMs: number
  #onDue: (cause: WakeCause | 'timer') => void
  #dueAt: number | undefined
  #timer: TimerHandle | undefined

  constructor(env: Environment, onDue: (cause: WakeCause | 'timer') => void, sliceMs = 60_000) {
    this.#env = env
    this.#onDue = onDue
    this.#sliceMs = Math.min(sliceMs, MAX_TIMER_MS)
  }

  /** Schedules the callback for `dueAt` (device epoch ms), replacing any earlier schedule. */
  scheduleAt(dueAt: number): void {
    this.#dueAt = dueAt
    this.#arm()
  }

  /** Forgets the schedule and releases the timer. */
  cancel(): void {
    this.#dueAt = undefined
    this.#clearTimer()
  }

  /** Fires now if the due time has passed (after a wake-up); otherwise re-arms. */
  check(cause: WakeCause | 'timer'): void {
    if (this.#dueAt === undefined) return
    if (this.#env.now() < this.#dueAt) return this.#arm()
    this.cancel()
    this.#onDue(cause)
  }

  #arm(): void {
    this.#clearTimer()
    if (this.#dueAt === undefined) return
    const expected = this.#env.now() + Math.min(Math.max(0, this.#dueAt - this.#env.now()), this.#sliceMs)
    this.#timer = this.#env.setTimeout(() => {
      this.#timer = undefined
      // A timer that fires well after it should have is a sign of throttling or sleep.
      this.check(this.#env.now() - expected > 2_000 ? 'late-timer' : 'timer')
    }, expected - this.#env.now())
  }

  #clearTimer(): void {
    if (this.#timer !== undefined) this.#env.clearTimeout(this.#timer)
    this.#timer = undefined
  }
}

import type { Environment } from './ports'
import { cappedRetryAfter, retryDelay, type RefreshTiming } from './refreshTiming'

/**
 * How long to wait after transient refresh failures: capped exponential backoff with jitter, and the server's
 * `Retry-After`, which even an explicit refresh respects until it has passed.
 */
export class RetryPolicy {
  readonly #timing: RefreshTiming
  readonly #env: Environment
  #failures = 0
  #notBefore = 0

  constructor(timing: RefreshTiming, env: Environment) {
    this.#timing = timing
    this.#env = env
  }

  /** Records one more failure; returns the delay before the next try. */
  failed(error: Error): number {
    this.#failures++
    // A server (or a proxy) may ask for a year: no longer than `timing.maxRetryAfterMs`.
    const retryAfterMs = cappedRetryAfter(this.#timing, (error as { retryAfterMs?: number }).retryAfterMs)
    this.#notBefore = retryAfterMs === undefined ? 0 : this.#env.now() + retryAfterMs
    return retryDelay(this.#timing, this.#failures, this.#env.random(), retryAfterMs)
  }

  /** Whether the server asked us to wait (429/503 `Retry-After`) and the time has not come. */
  get holdingOff(): boolean {
    return this.#env.now() < this.#notBefore
  }

  /** A success, a new session or an end: start afresh. */
  reset(): void {
    this.#failures = 0
    this.#notBefore = 0
  }
}

import { invalid } from './diagnostics/diagnostic'

/**
 * Counts failures per key in a sliding window. Once a key has `limit` failures inside `windowMs`, it is blocked until
 * the oldest of them leaves the window.
 *
 * Concurrent attempts must be charged **before** the slow work that decides them (a password hash), or they all pass
 * the check while none has failed yet: {@link FailureRateLimiter.charge} counts an attempt as a failure up front and
 * returns the refund to call if it succeeds.
 *
 * Counts live in this process: behind N instances each counts on its own. `createAuthHandler()` makes three (per
 * email, per IP, per user for password changes); use one for endpoints of your own.
 *
 * @example
 * ```ts
 * const limiter = new FailureRateLimiter({ limit: 5, windowMs: 60_000, now: Date.now })
 * const wait = limiter.retryAfterSeconds(key)
 * if (wait > 0) return new Response(null, { status: 429, headers: { 'Retry-After': String(wait) } })
 * const refund = limiter.charge(key) // before the slow check, with no await in between
 * if (await checkCode(code)) refund()
 * ```
 */
export class FailureRateLimiter {
  /** Per key, the failures (and charged attempts still in flight) inside the window, oldest first. */
  readonly #failures = new Map<string, Array<{ at: number }>>()
  readonly #limit: number
  readonly #windowMs: number
  readonly #now: () => number

  /** Throws a `TypeError` for a `limit` that is not a whole number of at least 1 (`TL604`), or a bad window (`TL605`). */
  constructor(options: {
    /** Failures allowed inside the window; the next attempt is blocked. A whole number, at least 1. */
    limit: number
    /** The sliding window, ms (above 0). */
    windowMs: number
    /** The clock, epoch ms (`Date.now`, or a fake one in tests). */
    now: () => number
  }) {
    if (!Number.isInteger(options.limit) || options.limit < 1) invalid('TL604', 'limit', options.limit)
    if (!Number.isFinite(options.windowMs) || options.windowMs <= 0) invalid('TL605', 'windowMs', options.windowMs)
    this.#limit = options.limit
    this.#windowMs = options.windowMs
    this.#now = options.now
  }

  /** `0` when the key may try again now, else the whole seconds to wait (for `Retry-After`). */
  retryAfterSeconds(key: string): number {
    const recent = this.#recent(key)
    if (recent.length < this.#limit) return 0
    const oldest = recent[recent.length - this.#limit]?.at ?? this.#now()
    return Math.max(1, Math.ceil((oldest + this.#windowMs - this.#now()) / 1000))
  }

  /**
   * Counts an attempt as a failure now, synchronously (call it right after {@link retryAfterSeconds} said `0`, with no
   * `await` in between, so that concurrent attempts cannot all slip through). Returns the refund, which takes this
   * one attempt back (when it succeeded); calling it again does nothing.
   */
  charge(key: string): () => void {
    const entry = { at: this.#now() }
    const recent = this.#recent(key)
    recent.push(entry)
    // Keep no more than needed to decide; bounds memory per key.
    this.#failures.set(key, recent.slice(-this.#limit))
    return () => {
      const entries = this.#failures.get(key)
      const index = entries?.indexOf(entry) ?? -1
      if (entries && index >= 0) entries.splice(index, 1)
      if (entries?.length === 0) this.#failures.delete(key)
    }
  }

  /** Records a failure that was not charged beforehand. */
  recordFailure(key: string): void {
    this.charge(key)
  }

  /** Forgets every failure of the key (after a success that proves the right to try, e.g. the right password). */
  reset(key: string): void {
    this.#failures.delete(key)
  }

  /** Forgets keys with no failure inside the window. */
  prune(): void {
    for (const key of [...this.#failures.keys()]) this.#recent(key)
  }

  #recent(key: string): Array<{ at: number }> {
    const since = this.#now() - this.#windowMs
    const recent = (this.#failures.get(key) ?? []).filter((entry) => entry.at > since)
    if (recent.length === 0) this.#failures.delete(key)
    else this.#failures.set(key, recent)
    return recent
  }
}

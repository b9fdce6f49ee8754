/**
 * Counts failures per key in a sliding window. Once a key has `limit` failures inside `windowMs`, it is blocked until
 * the oldest of them leaves the window.
 */
export class FailureRateLimiter {
  readonly #failures = new Map<string, number[]>()
  readonly #limit: number
  readonly #windowMs: number
  readonly #now: () => number

  constructor(options: { limit: number; windowMs: number; now: () => number }) {
    this.#limit = options.limit
    this.#windowMs = options.windowMs
    this.#now = options.now
  }

  /** `0` when the key may try again now, else the whole seconds to wait (for `Retry-After`). */
  retryAfterSeconds(key: string): number {
    const recent = this.#recent(key)
    if (recent.length < this.#limit) return 0
    const oldest = recent[recent.length - this.#limit] ?? this.#now()
    return Math.max(1, Math.ceil((oldest + this.#windowMs - this.#now()) / 1000))
  }

  recordFailure(key: string): void {
    const recent = this.#recent(key)
    recent.push(this.#now())
    // Keep no more than needed to decide; bounds memory per key.
    this.#failures.set(key, recent.slice(-this.#limit))
  }

  reset(key: string): void {
    this.#failures.delete(key)
  }

  /** Forgets keys with no failure inside the window. */
  prune(): void {
    for (const key of [...this.#failures.keys()]) this.#recent(key)
  }

  #recent(key: string): number[] {
    const since = this.#now() - this.#windowMs
    const recent = (this.#failures.get(key) ?? []).filter((at) => at > since)
    if (recent.length === 0) this.#failures.delete(key)
    else this.#failures.set(key, recent)
    return recent
  }
}

import { kitError } from '../diagnostics/kitError'

interface Timer {
  id: number
  at: number
  callback: () => void
}

// The real timers, taken when the kit is imported: a test that installs fake timers later (vi.useFakeTimers(),
// jest.useFakeTimers()) does not stop the kit from letting promises and answers run.
const realSetImmediate: ((callback: () => void) => unknown) | undefined = typeof setImmediate === 'function' ? setImmediate : undefined
const realSetTimeout = setTimeout

/** One real macrotask later: lets pending promises, answers and channel messages run (the fake clock stays put). */
export function nextMacrotask(): Promise<void> {
  return new Promise((resolve) => (realSetImmediate ? realSetImmediate(resolve) : realSetTimeout(resolve, 0)))
}

/** Lets `rounds` macrotasks pass. */
export async function flush(rounds = 10): Promise<void> {
  for (let i = 0; i < rounds; i++) await nextMacrotask()
}

/**
 * Waits this short pass on their own (asking the other tabs is 100 ms, `timing.tabQueryTimeoutMs`), so a test may
 * await any call of the client; longer ones (scheduled refreshes, retries, timeouts) wait for `advance()`.
 */
export const SHORT_WAIT_MS = 100

/** Real macrotasks a short wait lets pass first: an answer that is on its way (a sibling tab's) always comes first. */
const SHORT_WAIT_ROUNDS = 20

/**
 * The scripted client's time: a clock that moves when told and timers that fire in order as it moves, with the event
 * loop let run after each one (so a timer → request → answer → next timer chain plays out at the fake times it would
 * in a browser). Waits of {@link SHORT_WAIT_MS} or less pass on their own when nothing else moves the clock. Independent
 * of the global timers: tests need no `vi.useFakeTimers()`.
 */
export class TestClock {
  #now: number
  readonly #timers = new Map<number, Timer>()
  #nextId = 1
  #advancing = 0

  constructor(startAt: number) {
    this.#now = startAt
  }

  /** The fake time, epoch ms. */
  now = (): number => this.#now

  setTimeout = (callback: () => void, ms: number): number => {
    const id = this.#nextId++
    const delay = Math.max(0, Number.isFinite(ms) ? ms : 0)
    this.#timers.set(id, { id, at: this.#now + delay, callback })
    if (delay <= SHORT_WAIT_MS) void this.#passShortWait(id)
    return id
  }

  clearTimeout = (handle: unknown): void => {
    this.#timers.delete(handle as number)
  }

  /** When the earliest pending timer is due, or `undefined`. */
  get nextTimerAt(): number | undefined {
    let earliest: number | undefined
    for (const timer of this.#timers.values()) if (earliest === undefined || timer.at < earliest) earliest = timer.at
    return earliest
  }

  /** Fires the earliest timer due by `target` (moving the clock to it); `false` when none is. */
  fireNext(target: number): boolean {
    let next: Timer | undefined
    for (const timer of this.#timers.values()) {
      if (timer.at > target) continue
      if (!next || timer.at < next.at || (timer.at === next.at && timer.id < next.id)) next = timer
    }
    if (!next) return false
    this.#timers.delete(next.id)
    this.#now = Math.max(this.#now, next.at)
    next.callback()
    return true
  }

  /** Lets `ms` pass: every timer due fires at its time, the event loop running after each. */
  async advance(ms: number): Promise<void> {
    this.#advancing++
    try {
      await this.#advanceTo(this.#now + ms)
    } finally {
      this.#advancing--
    }
  }

  /**
   * Lets pending work finish: answers, messages, timers due now, and the short waits (≤ {@link SHORT_WAIT_MS}) it
   * starts; the clock moves only by those.
   */
  async settle(): Promise<void> {
    await this.advance(0)
    for (let round = 0; round < 100; round++) {
      const next = this.nextTimerAt
      if (next === undefined || next - this.#now > SHORT_WAIT_MS) return
      await this.advance(next - this.#now)
    }
  }

  /** A short wait passes, unless the timer was cleared or the test is moving the clock itself. */
  async #passShortWait(id: number): Promise<void> {
    do await flush(SHORT_WAIT_ROUNDS)
    while (this.#advancing > 0 && this.#timers.has(id))
    const timer = this.#timers.get(id)
    if (timer) await this.advance(Math.max(0, timer.at - this.#now))
  }

  async #advanceTo(target: number): Promise<void> {
    await flush()
    let firedAtOnce = 0
    let lastAt = Number.NaN
    while (this.fireNext(target)) {
      firedAtOnce = this.#now === lastAt ? firedAtOnce + 1 : 0
      lastAt = this.#now
      if (firedAtOnce > 1_000) throw kitError(Error, 'TL816', new Date(this.#now).toISOString())
      await flush()
    }
    this.#now = Math.max(this.#now, target)
    await flush()
  }

  /** The device was suspended for `ms`: the wall clock jumps, and timers are postponed by as much (none ran). */
  suspend(ms: number): void {
    this.#now += ms
    for (const timer of this.#timers.values()) timer.at += ms
  }
}

import type { Environment, WakeCause } from '@tokenlife/core'

interface Timer {
  id: number
  at: number
  callback: () => void
  /** The tab (fork) that set it: a frozen tab's timers wait until it thaws. */
  owner: FakeEnvironment
}

let nextFakeId = 1

/**
 * A hand-driven {@link Environment}: a clock that moves only when told, timers that fire in order as it moves,
 * wake-ups and online/offline on demand, and `fetch` passed through to the global one (msw intercepts it).
 * Several clients can share one clock via {@link FakeEnvironment.fork}.
 */
export class FakeEnvironment implements Environment {
  #clock: { now: number }
  #timers: Map<number, Timer>
  #nextId: { value: number }
  #wakeListeners = new Set<(cause: WakeCause) => void>()
  #activityListeners = new Set<() => void>()
  online = true
  randomValue = 0.5
  /** Where `random()` comes from; defaults to {@link FakeEnvironment.randomValue}. Set a seeded generator for variety. */
  randomSource: (() => number) | undefined
  /**
   * A frozen tab runs nothing: its timers (and so whatever a simulated network or channel delivers to it) wait
   * until {@link FakeEnvironment.thaw}, then fire late, as in a browser that froze a background tab.
   */
  frozen = false
  warnings: string[] = []
  locks: Environment['locks'] = undefined
  /** No records of refreshes on the wire unless a test gives some (see `SharedSendingRecords`). */
  sendingRecords: Environment['sendingRecords'] = undefined

  /** The origin's localStorage stand-in, shared by every fork (tab). */
  readonly marks: Map<string, string>

  constructor(
    startAt = Date.UTC(2026, 0, 1),
    shared?: { clock: { now: number }; timers: Map<number, Timer>; nextId: { value: number }; marks: Map<string, string> },
  ) {
    this.#clock = shared?.clock ?? { now: startAt }
    this.#timers = shared?.timers ?? new Map()
    this.#nextId = shared?.nextId ?? { value: 1 }
    this.marks = shared?.marks ?? new Map()
  }

  /** Another environment (a second tab) on the same clock, timer queue and shared marks, with its own listeners. */
  fork(): FakeEnvironment {
    return new FakeEnvironment(0, { clock: this.#clock, timers: this.#timers, nextId: this.#nextId, marks: this.marks })
  }

  sharedMarks: Environment['sharedMarks'] = {
    get: (key) => this.marks.get(key) ?? null,
    set: (key, value) => void this.marks.set(key, value),
    remove: (key) => void this.marks.delete(key),
  }

  now = (): number => this.#clock.now
  random = (): number => this.randomSource?.() ?? this.randomValue
  /** Ids that never repeat in this process (`fake-1`, `fake-2`, …), so runs are repeatable and tabs stay apart. */
  randomId = (): string => `fake-${(nextFakeId++).toString(36)}`
  /** The longest delay ever passed to {@link FakeEnvironment.setTimeout} (browsers fire delays over 2^31 - 1 ms at once). */
  longestTimerMs = 0
  setTimeout = (callback: () => void, ms: number): number => {
    this.longestTimerMs = Math.max(this.longestTimerMs, ms)
    const id = this.#nextId.value++
    this.#timers.set(id, { id, at: this.#clock.now + Math.max(0, ms), callback, owner: this })
    return id
  }
  clearTimeout = (handle: unknown): void => {
    this.#timers.delete(handle as number)
  }
  fetch: typeof fetch = (input, init) => globalThis.fetch(input, init)
  isOnline = (): boolean => this.online
  onWake = (listener: (cause: WakeCause) => void): (() => void) => {
    this.#wakeListeners.add(listener)
    return () => this.#wakeListeners.delete(listener)
  }
  onActivity = (listener: () => void): (() => void) => {
    this.#activityListeners.add(listener)
    return () => this.#activityListeners.delete(listener)
  }
  openChannel: Environment['openChannel'] = () => undefined
  /** The page's URL (`location.href`); `undefined` (no page, as in Node) unless a test sets it. */
  page: string | undefined = undefined
  /** The document's base URL (`document.baseURI`); falls back to {@link FakeEnvironment.page}, as in a browser. */
  base: string | undefined = undefined
  pageUrl = (): string | undefined => this.page
  baseUrl = (): string | undefined => this.base ?? this.page
  warn = (message: string): void => {
    this.warnings.push(message)
  }
  /** Messages passed to {@link FakeEnvironment.error}, in order. */
  errors: string[] = []
  error = (message: string): void => {
    this.errors.push(message)
  }

  /** Number of pending timers (across every fork). */
  get pendingTimers(): number {
    return this.#timers.size
  }

  /** When the earliest pending timer (across every fork) is due, or `undefined` when none is pending. */
  get nextTimerAt(): number | undefined {
    let earliest: number | undefined
    for (const timer of this.#timers.values()) if (earliest === undefined || timer.at < earliest) earliest = timer.at
    return earliest
  }

  /** Number of wake listeners this environment holds. */
  get wakeListenerCount(): number {
    return this.#wakeListeners.size
  }

  /** Number of activity listeners this environment holds. */
  get activityListenerCount(): number {
    return this.#activityListeners.size
  }

  /** The user does something in this tab (a key, the pointer, …): every activity listener hears it; a frozen tab, nothing. */
  activity(): void {
    if (this.frozen) return
    for (const listener of [...this.#activityListeners]) listener()
  }

  /** Freezes this tab (see {@link FakeEnvironment.frozen}). */
  freeze(): void {
    this.frozen = true
  }

  /** Thaws this tab: its overdue timers fire on the next {@link FakeEnvironment.run} or `advance`. */
  thaw(): void {
    this.frozen = false
  }

  /** The earliest timer due by `target` whose tab is not frozen. */
  #nextDue(target: number): Timer | undefined {
    let next: Timer | undefined
    for (const timer of this.#timers.values()) {
      if (timer.owner.frozen || timer.at > target) continue
      if (!next || timer.at < next.at || (timer.at === next.at && timer.id < next.id)) next = timer
    }
    return next
  }

  /** Moves the clock forward, firing due timers in order (timers fire at their due time). */
  advance(ms: number): void {
    const target = this.#clock.now + ms
    for (;;) {
      const next = this.#nextDue(target)
      if (!next) break
      this.#timers.delete(next.id)
      this.#clock.now = Math.max(this.#clock.now, next.at)
      next.callback()
    }
    // A sleep during the move (a timer's callback called sleep()) keeps its jump.
    this.#clock.now = Math.max(this.#clock.now, target)
  }

  /**
   * Moves the clock forward like {@link FakeEnvironment.advance}, but lets the event loop run (promises, msw
   * responses, channel messages; {@link RUN_ROUNDS} macrotasks, idle in practice) before and after every timer, as
   * a browser would. Use it when work started by one timer must progress before the next one fires.
   */
  async run(ms: number): Promise<void> {
    const target = this.#clock.now + ms
    await flush(RUN_ROUNDS)
    for (;;) {
      const next = this.#nextDue(target)
      if (!next) break
      this.#timers.delete(next.id)
      this.#clock.now = Math.max(this.#clock.now, next.at)
      next.callback()
      await flush(RUN_ROUNDS)
    }
    // A sleep during the move (code that ran meanwhile called sleep()) keeps its jump.
    this.#clock.now = Math.max(this.#clock.now, target)
    await flush(RUN_ROUNDS)
  }

  /**
   * The device slept for `ms`: the wall clock jumps, but timers are postponed by the same amount (they do not run
   * while suspended), as in real browsers.
   */
  sleep(ms: number): void {
    this.#clock.now += ms
    for (const timer of this.#timers.values()) timer.at += ms
  }

  /** Sets the wall clock (e.g. the user changes it); timers keep their remaining delay. */
  jumpClock(ms: number): void {
    this.sleep(ms)
  }

  /** Fires a wake-up (`visible`, `focus`, `pageshow`, `online`) at every listener; a frozen tab hears nothing. */
  wake(cause: WakeCause): void {
    if (this.frozen) return
    for (const listener of [...this.#wakeListeners]) listener(cause)
  }
}

/**
 * Macrotask rounds {@link FakeEnvironment.run} lets pass before each timer: enough for a chain of tabs to hand a
 * session along (lock grant, query, answer) before a 100 ms fake timeout, as real message passing (well under a
 * millisecond) would.
 */
const RUN_ROUNDS = 25

/** Lets pending promises and msw's responses run (real macrotasks; the fake clock does not move). */
export async function flush(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise((resolve) => setImmediate(resolve))
}

/**
 * Lets `promise` settle while the fake clock runs: flushes real macrotasks (msw, channel delivery), and when
 * nothing else moves, advances the clock by `stepMs`. Gives up after `maxMs` of fake time. With `realMs`, each step
 * also waits that long in real time, for work on real timers (the broadcast-channel library's leader election).
 */
export async function settle<T>(
  env: FakeEnvironment,
  promise: Promise<T>,
  { stepMs = 10, maxMs = 120_000, realMs = 0 } = {},
): Promise<T> {
  let done = false
  const tracked = promise.finally(() => {
    done = true
  })
  tracked.catch(() => {})
  for (let elapsed = 0; !done && elapsed <= maxMs; elapsed += stepMs) {
    await flush()
    if (realMs > 0 && !done) await new Promise((resolve) => setTimeout(resolve, realMs))
    if (!done) await env.run(stepMs)
  }
  if (!done) throw new Error(`settle(): the promise did not settle within ${maxMs} ms of fake time`)
  return tracked
}

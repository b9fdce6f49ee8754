import { heldLockNames, holdLockName } from './lockNames'
import { diagnosticText } from './diagnostics/diagnostic'
import type { Environment } from './ports'
import { isNewerSession, type SessionStamp } from './sessionOrder'

/** The newest session a tab obtained, as its lock name tells it. */
export interface NewestSession extends SessionStamp {
  id: string
}

/**
 * Mutual exclusion for refreshes across every tab of one origin, so a rotating refresh token is never presented
 * twice. It runs over `env.locks`: the browser environment passes Web Locks where the browser has them, otherwise a
 * leader election over broadcast-channel (see electionLocks.ts). Without `env.locks` (SSR, a worker, Node) the
 * client is alone: only this client's own queue orders its refreshes.
 *
 * It never wedges. A holder is waited for `timeoutMs` at a time. A holder that still answers (a slow server) is
 * never taken over: its rotated token would be presented twice. A holder that does not answer (hung or frozen) is
 * taken over (`steal`), with a warning. The election port cannot steal: its steal waits, and the election replaces
 * a holder that does not answer.
 *
 * Where the lock manager cannot list its locks (no `query`, as with the election), no newest session is published in
 * lock names. Each holder then treats the lock as contended and asks its siblings before it refreshes.
 */
export class RefreshLock {
  readonly #env: Environment
  readonly #name: string
  readonly #timeoutMs: number
  readonly #newestPrefix: string
  /** Releases the lock that names this tab's newest session. */
  #releaseNewest: (() => void) | undefined
  #publishing: Promise<unknown> = Promise.resolve()
  /** Asks whether the tab holding the lock is alive; a live holder is never taken over. */
  #holderAlive: () => Promise<boolean> = () => Promise.resolve(false)
  /** This tab's own queue: one holder at a time even where there is no cross-tab lock. */
  #queue: Promise<unknown> = Promise.resolve()
  #waiting = 0

  constructor(env: Environment, namespace: string, timeoutMs: number) {
    this.#env = env
    this.#name = `tokenlife:${namespace}:refresh`
    this.#newestPrefix = `tokenlife:${namespace}:newest:`
    this.#timeoutMs = timeoutMs
  }

  /**
   * Publishes the newest session this tab obtained where the next lock holder is sure to see it: in the name of a
   * lock this tab holds for as long as it lives (or until it publishes a newer one). Lock state lives in the
   * browser process, so unlike a message or a `localStorage` write it cannot arrive after the refresh lock has
   * moved on. Resolves once the lock is granted; {@link RefreshLock.published} waits for that.
   */
  publish(session: NewestSession): Promise<unknown> {
    const name = `${this.#newestPrefix}${session.startedAt}:${session.requestedAt}:${session.expiresAt}:${session.id}`
    const previous = this.#releaseNewest
    const published = holdLockName(this.#env.locks, name, previous, (release) => {
      this.#releaseNewest = release
    })
    if (published) this.#publishing = published
    return this.#publishing
  }

  /** Resolves when the last {@link RefreshLock.publish} is visible to every tab. */
  published(): Promise<unknown> {
    return this.#publishing
  }

  /** The newest session any live tab published, if the lock manager can tell. */
  async newest(): Promise<NewestSession | undefined> {
    let newest: NewestSession | undefined
    for (const rest of await heldLockNames(this.#env.locks, this.#newestPrefix)) {
      const [startedAt, requestedAt, expiresAt, id] = rest.split(':')
      const stamp = { startedAt: Number(startedAt), requestedAt: Number(requestedAt), expiresAt: Number(expiresAt), id: id ?? '' }
      if (![stamp.startedAt, stamp.requestedAt, stamp.expiresAt].every(Number.isFinite) || !stamp.id) continue
      if (!newest || isNewerSession(stamp, newest)) newest = stamp
    }
    return newest
  }

  /** Sets how to tell a live holder (slow server) from a hung or frozen one before taking the lock over. */
  probeHolderWith(probe: () => Promise<boolean>): void {
    this.#holderAlive = probe
  }

  /** Lets go of the published session (the tab is going away). */
  close(): void {
    this.#releaseNewest?.()
    this.#releaseNewest = undefined
  }

  /**
   * Runs `task` while holding the lock. `task` learns whether it had to wait (`contended`): then another tab held
   * the lock just before and may have done the work already, even if its news has not arrived yet.
   */
  run<T>(task: (contended: boolean, stillHeld: () => boolean) => Promise<T>): Promise<T> {
    const waitedHere = this.#waiting > 0
    this.#waiting++
    const run = this.#queue.then(() =>
      this.#acrossTabs((contended, stillHeld) => task(contended || waitedHere, stillHeld)),
    )
    const done = () => {
      this.#waiting--
    }
    this.#queue = run.then(done, done)
    return run
  }

  #acrossTabs<T>(task: (contended: boolean, stillHeld: () => boolean) => Promise<T>): Promise<T> {
    if (this.#env.locks) return this.#runLocked(task)
    return task(false, () => true)
  }

  async #runLocked<T>(task: (contended: boolean, stillHeld: () => boolean) => Promise<T>): Promise<T> {
    const busy = { busy: true } as const
    // Without lock names to read the newest session from, only the siblings can tell what the last holder did.
    const unpublished = !this.#env.locks?.query
    const uncontended = await this.#hold<T | typeof busy>({ ifAvailable: true }, (lock, stillHeld) =>
      lock ? task(unpublished, stillHeld) : Promise.resolve(busy),
    )
    if (uncontended !== busy) return uncontended as T
    // Wait; every `timeoutMs` ask whether the holder is alive (a slow answer on the wire must not be pre-empted:
    // its rotated token would be presented twice). Only a holder that does not answer is taken over.
    for (;;) {
      const waiting = new AbortController()
      const timer = this.#env.setTimeout(() => waiting.abort(), this.#timeoutMs)
      try {
        return await this.#hold({ signal: waiting.signal }, (_lock, stillHeld) => {
          this.#env.clearTimeout(timer)
          return task(true, stillHeld)
        })
      } catch (error) {
        if (!waiting.signal.aborted || (error as { name?: unknown })?.name !== 'AbortError') throw error
      } finally {
        this.#env.clearTimeout(timer)
      }
      if (await this.#holderAlive()) continue
      this.#env.warn(diagnosticText('TL303', undefined, this.#timeoutMs))
      return this.#hold({ steal: true }, (_lock, stillHeld) => task(true, stillHeld))
    }
  }

  /**
   * One lock request. If the lock is taken over while `task` runs (this tab was frozen or hung), the request
   * rejects but the task goes on: it learns through `stillHeld()` that it must not start anything that needs the
   * lock (a refresh), and its result is still returned.
   */
  #hold<T>(
    options: { signal?: AbortSignal; ifAvailable?: boolean; steal?: boolean },
    task: (lock: unknown, stillHeld: () => boolean) => Promise<T>,
  ): Promise<T> {
    let running: Promise<T> | undefined
    let held = true
    return this.#env.locks!.request(this.#name, options, (lock) => {
      running = task(lock, () => held)
      return running
    }).catch((error: unknown) => {
      if (running === undefined) throw error
      held = false
      return running
    })
  }
}

import type { IdleHost, IdleState, IdleTimeout, IdleTracker } from './idleState'
import type { RevocationRequest } from './revocationRequest'
import { idleOff } from './idleState'
import { diagnosticText, invalid } from './diagnostics/diagnostic'
import { heldLockNames, holdLockName } from './lockNames'
import { RefreshScheduler } from './refreshScheduler'

/** Options of {@link idleTimeout}; durations in ms. */
export interface IdleTimeoutOptions {
  /** How long without activity in any tab ends the session in every tab. Above 0. */
  timeoutMs: number
  /** How long before that every tab warns (`idle-warning`, `auth.idle`). Default 60 s, or half of `timeoutMs` if less. */
  warnMs?: number
}

/** A tab tells the others of activity (shared mark and message) at most this often, unless a warning is up. */
const SHARE_EVERY_MS = 1_000

const active: IdleState = Object.freeze({ status: 'active' })

/**
 * An idle timeout for the `idle` option of `createAuthClient`: the session ends (reason `'idle'`: revoked, storage
 * cleared, `onSessionEnd` callbacks, in every tab) after `timeoutMs` without activity (pointer, keys, wheel, touch,
 * scroll, a page coming to the front) in any tab of the app; `warnMs` before that every tab emits `idle-warning`
 * and `auth.idle` counts down, until `auth.stillHere()` or activity in any tab cancels it everywhere. The deadline is
 * on the wall clock: a device that wakes past it signs out before any request carries the token. An app that does
 * not import it does not bundle it. Throws a `TypeError` naming a bad option.
 *
 * @example
 * ```ts
 * const auth = createAuthClient({ refreshUrl: '/auth/refresh', idle: idleTimeout({ timeoutMs: 15 * 60_000 }) })
 * auth.idle.subscribe((idle) => {
 *   if (idle.status === 'warning') dialog.show(`Signing out in ${Math.ceil(idle.remainingMs / 1000)} s`)
 *   else dialog.hide()
 * })
 * ```
 */
export function idleTimeout(options: IdleTimeoutOptions): IdleTimeout {
  if (typeof options !== 'object' || options === null) {
    return invalid('TL154', 'idle', [options])
  }
  if (process.env.NODE_ENV !== 'production') {
    const names = ['timeoutMs', 'warnMs']
    for (const [key, value] of Object.entries(options)) if (!names.includes(key)) invalid('TL102', `idle.${key}`, [value, names])
  }
  const { timeoutMs } = options
  if (typeof timeoutMs !== 'number' || !Number.isFinite(timeoutMs) || timeoutMs <= 0) {
    invalid('TL155', 'idle.timeoutMs', [timeoutMs])
  }
  const warnMs = options.warnMs ?? Math.min(60_000, timeoutMs / 2)
  if (typeof warnMs !== 'number' || !Number.isFinite(warnMs) || warnMs < 0 || warnMs >= timeoutMs) {
    invalid('TL156', 'idle.warnMs', [warnMs, timeoutMs])
  }
  return { timeoutMs, warnMs, track: (host) => new Tracker(timeoutMs, warnMs, host) }
}

/**
 * One tab's view of the shared idle deadline: the latest activity any tab reported (its own, a sibling's message,
 * the shared mark, which it re-reads before it acts) plus `timeoutMs`. On the wall clock (sliced timers, checked on
 * wake-ups), like the refresh schedule.
 */
class Tracker implements IdleTracker {
  readonly #timeoutMs: number
  readonly #warnMs: number
  readonly #host: IdleHost
  readonly #markKey: string
  /** Names a lock that says which sessions this tab ended for inactivity and revoked. */
  readonly #endedPrefix: string
  #releaseEnded: (() => void) | undefined
  readonly #scheduler: RefreshScheduler
  readonly #listeners = new Set<(state: IdleState) => void>()
  #state: IdleState = idleOff
  /** The latest activity this tab knows of, in any tab (device ms). */
  #last = Number.NEGATIVE_INFINITY
  /** When this tab last told the others. */
  #sharedAt = Number.NEGATIVE_INFINITY
  #detach: (() => void) | undefined

  constructor(timeoutMs: number, warnMs: number, host: IdleHost) {
    this.#timeoutMs = timeoutMs
    this.#warnMs = warnMs
    this.#host = host
    this.#markKey = `tokenlife:${host.namespace}:activity`
    this.#endedPrefix = `tokenlife:${host.namespace}:ended:`
    this.#scheduler = new RefreshScheduler(host.env, () => this.#evaluate())
  }

  getState = (): IdleState => this.#state

  subscribe = (listener: (state: IdleState) => void): (() => void) => {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  attach(): void {
    this.#detach ??= this.#host.env.onActivity(() => this.#activity(false))
  }

  close(): void {
    this.#releaseEnded?.()
    this.#detach?.()
    this.#detach = undefined
    this.#scheduler.cancel()
    this.#listeners.clear()
  }

  sessionStarted(byUser: boolean): void {
    const now = this.#host.env.now()
    // A sign-in is activity; a session nobody has used yet in any tab starts its clock now.
    if (byUser || (this.#last === Number.NEGATIVE_INFINITY && this.#readMark() === undefined)) this.#share(now)
    // Called while the session changes: a deadline that has passed ends it a turn later, not in the middle (a token
    // is never handed out meanwhile: every use checks first).
    this.#evaluate(false)
  }

  sessionEnded(reason: string): void {
    this.#scheduler.cancel()
    this.#set(idleOff)
    this.#last = Number.NEGATIVE_INFINITY
    // After an idle end the mark stays until the revocation went through: a page that opens meanwhile ends it again.
    if (reason === 'logout' || reason === 'revoked') this.#forget()
  }

  /**
   * Under the refresh lock, a tab that finds an end published in a lock name at or after `since` leaves it (that tab
   * revokes); otherwise it publishes its own (the next holder is sure to see it: lock state is never late, unlike the
   * message and the ended mark) and revokes. So tabs whose deadlines came together send one revocation. Without lock
   * names (no Web Locks), each tab that ended the session itself revokes.
   */
  async revokeEnd(since: number, at: number, captured: RevocationRequest): Promise<void> {
    const locks = this.#host.env.locks
    // The lock goes once the end is published, not when the server answers.
    const revoking = await this.#host.runLocked(async () => {
      if ((await heldLockNames(locks, this.#endedPrefix)).some((published) => Number(published) >= since)) return undefined
      await holdLockName(locks, `${this.#endedPrefix}${at}`, this.#releaseEnded, (release) => {
        this.#releaseEnded = release
      })
      return { answered: this.#host.revoke(captured) }
    })
    // Revoked: nothing is left for the next page to end. (When it failed, the mark stays and the next start tries again.)
    if (revoking && (await revoking.answered) === undefined) this.#forget()
  }

  /** No session is left to time out: the activity mark goes. */
  #forget(): void {
    try {
      this.#host.env.sharedMarks?.remove(this.#markKey)
    } catch {
      // Marks are best effort.
    }
  }

  heard(at: number): void {
    if (!(at > this.#last)) return
    this.#last = at
    if (this.#state.status === 'warning') this.#evaluate()
  }

  stillHere(): void {
    this.#activity(true)
  }

  check(): boolean {
    if (!this.#host.hasSession()) return false
    const now = this.#host.env.now()
    // What this tab knows is enough while it says the deadline is ahead: the mark only ever moves it later. So the
    // mark (a storage read) is read near the deadline only, not on every API call and pointer event.
    if (now < this.#last + this.#timeoutMs || now < this.#deadline()) return false
    this.#expire()
    return true
  }

  expiredAtStart(): number | undefined {
    const at = this.#readMark()
    return at !== undefined && this.#host.env.now() >= at + this.#timeoutMs ? at : undefined
  }

  /** Somebody did something in this tab (`told`: the user said so, or signed in: every tab hears it at once). */
  #activity(told: boolean): void {
    const now = this.#host.env.now()
    // Too late: the deadline passed (a device that wakes up). The activity does not bring the session back.
    if (!this.#host.hasSession() || this.check()) return
    this.#last = Math.max(this.#last, now)
    const warning = this.#state.status === 'warning'
    // A warning is up (here, so in every tab): cancel it everywhere now. Otherwise at most once a second.
    if (told || warning || now - this.#sharedAt >= SHARE_EVERY_MS) this.#share(now)
    // A warning to cancel, or a clock to start; otherwise the timer set for the old deadline re-reads it then.
    if (this.#state.status !== 'active') this.#evaluate()
  }

  #share(now: number): void {
    this.#sharedAt = now
    this.#last = Math.max(this.#last, now)
    try {
      this.#host.env.sharedMarks?.set(this.#markKey, JSON.stringify({ at: this.#last }))
    } catch {
      // Without marks, tabs still hear each other's messages.
    }
    this.#host.post(this.#last)
  }

  #readMark(): number | undefined {
    try {
      const at: unknown = JSON.parse(this.#host.env.sharedMarks?.get(this.#markKey) ?? 'null')?.at
      return typeof at === 'number' && Number.isFinite(at) ? at : undefined
    } catch {
      return undefined
    }
  }

  /**
   * The shared deadline, with what the mark says now (another tab's activity may be newer than its message); none
   * before the session's clock started.
   */
  #deadline(): number {
    const marked = this.#readMark()
    if (marked !== undefined && marked > this.#last) this.#last = marked
    return this.#last === Number.NEGATIVE_INFINITY ? Number.POSITIVE_INFINITY : this.#last + this.#timeoutMs
  }

  #evaluate(mayEnd = true): void {
    this.#scheduler.cancel()
    if (!this.#host.hasSession()) return this.#set(idleOff)
    const now = this.#host.env.now()
    const deadline = this.#deadline()
    if (now >= deadline) return mayEnd ? this.#expire() : this.#scheduler.scheduleAt(now)
    if (now < deadline - this.#warnMs) {
      this.#set(active)
      return this.#scheduler.scheduleAt(deadline - this.#warnMs)
    }
    // The time left in whole seconds, for a countdown; the next change when the count drops.
    const remainingMs = Math.ceil((deadline - now) / 1000) * 1000
    const warned = this.#state.status === 'warning'
    this.#set({ status: 'warning', deadline, remainingMs })
    if (!warned) this.#host.emit({ type: 'idle-warning', deadline, remainingMs })
    this.#scheduler.scheduleAt(Math.min(deadline, deadline - remainingMs + 1000))
  }

  #expire(): void {
    this.#scheduler.cancel()
    // The state goes off as the session ends (sessionEnded), so idle listeners hear of it after the end is complete.
    this.#host.expire()
    this.#set(idleOff)
  }

  #set(next: IdleState): void {
    const current = this.#state
    if (current.status === next.status && current.deadline === next.deadline && current.remainingMs === next.remainingMs) return
    this.#state = next
    this.#host.later(() => {
      if (this.#state !== next) return
      for (const listener of [...this.#listeners]) {
        try {
          listener(next)
        } catch (error) {
          this.#host.env.warn(diagnosticText('TL139', 'an idle listener', error))
        }
      }
    })
  }
}

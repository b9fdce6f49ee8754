import type { AuthEvent } from './authEvents'
import type { Environment } from './ports'
import { RefreshScheduler } from './refreshScheduler'

/**
 * Tells the app, once per announced end, that the session is about to end: a `session-ending` event `warnMs` before
 * the `sessionEndsAt` the server gave (`refresh_expires_in`), so a user can save their work and sign in again. On
 * the wall clock, like the refresh schedule: a throttled tab or a device that slept fires late, never early.
 */
export class SessionEndNotice {
  readonly #env: Environment
  readonly #warnMs: number
  readonly #emit: (event: AuthEvent) => void
  readonly #scheduler: RefreshScheduler
  /** The end the notice is for (or was given for); a later end (a sliding session) is announced again. */
  #endsAt: number | undefined

  constructor(env: Environment, warnMs: number, emit: (event: AuthEvent) => void) {
    this.#env = env
    this.#warnMs = warnMs
    this.#emit = emit
    this.#scheduler = new RefreshScheduler(env, () => this.#due())
  }

  /** The session's token changed: watch the end it carries (none: nothing to announce). */
  follow(sessionEndsAt: number | undefined): void {
    if (sessionEndsAt === this.#endsAt) return
    this.#endsAt = sessionEndsAt
    if (sessionEndsAt === undefined || this.#warnMs === 0) return this.#scheduler.cancel()
    this.#scheduler.scheduleAt(sessionEndsAt - this.#warnMs)
  }

  /** The session ended, or the client is going away. */
  cancel(): void {
    this.#endsAt = undefined
    this.#scheduler.cancel()
  }

  /** A wake-up: a notice that fell due while the page slept goes out now. */
  check(): void {
    this.#scheduler.check('visible')
  }

  #due(): void {
    const sessionEndsAt = this.#endsAt
    if (sessionEndsAt === undefined) return
    this.#emit({ type: 'session-ending', sessionEndsAt, remainingMs: Math.max(0, sessionEndsAt - this.#env.now()) })
  }
}

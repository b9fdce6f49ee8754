import type { AuthEvent } from './authEvents'
import type { NormalizedOptions } from './options'
import { SessionEndNotice } from './sessionEndNotice'
import type { LocalSession } from './tabSync'

/**
 * The app's rules for how long a session may last, around the engine: today the warning before the end the server
 * announced (`sessionEndsAt`). The client tells it what happens to the session; it tells the app through events.
 */
export class SessionPolicy {
  readonly #endNotice: SessionEndNotice

  constructor(options: NormalizedOptions, emit: (event: AuthEvent) => void) {
    this.#endNotice = new SessionEndNotice(options.environment, options.sessionEndWarningMs, emit)
  }

  /** The session has a new token (from anywhere). */
  adopted(session: LocalSession): void {
    this.#endNotice.follow(session.token.sessionEndsAt)
  }

  /** The session ended (any reason). */
  ended(): void {
    this.#endNotice.cancel()
  }

  /** The page woke up (visible, focus, pageshow, online). */
  wake(): void {
    this.#endNotice.check()
  }

  /** The client is destroyed: release every timer and listener. */
  close(): void {
    this.#endNotice.cancel()
  }
}

import type { AuthEvent, SessionSource } from './authEvents'
import type { UnauthenticatedReason } from './authState'
import { endSession, type EndContext } from './endSession'
import { idleOff, type IdleStore, type IdleTracker } from './idleState'
import type { NormalizedOptions } from './options'
import type { RefreshLock } from './refreshLock'
import { revokeSession, type RevocationRequest } from './revocation'
import { SessionEndNotice } from './sessionEndNotice'
import type { SessionHolder } from './sessionHolder'
import type { LocalSession } from './tabSync'

/** What the policy needs from the client. */
export interface SessionPolicyHost {
  holder: SessionHolder
  lock: RefreshLock
  /** Ends the session for inactivity (a logout with reason `'idle'`, through the client). */
  expire(): void
}

/** The store when there is no idle timeout: always `'off'`. */
const noIdle: IdleStore = { getState: () => idleOff, subscribe: () => () => {} }

/**
 * The app's rules for how long a session may last, around the engine: the warning before the end the server
 * announced (`sessionEndsAt`) and, when the app set one, the idle timeout. The client tells it what happens to the
 * session and asks it before a token is used or refreshed; it tells the app through events and `idle`.
 */
export class SessionPolicy {
  readonly #options: NormalizedOptions
  readonly #host: SessionPolicyHost
  readonly #endNotice: SessionEndNotice
  readonly #idle: IdleTracker | undefined
  readonly #ending: EndContext

  constructor(options: NormalizedOptions, host: SessionPolicyHost) {
    this.#options = options
    this.#host = host
    const { holder } = host
    const emit = (event: AuthEvent) => holder.state.emit(event)
    this.#endNotice = new SessionEndNotice(options.environment, options.sessionEndWarningMs, emit)
    this.#idle = options.idle?.track({
      env: options.environment,
      namespace: options.namespace,
      hasSession: () => holder.session !== undefined,
      post: (at) => holder.tabs.announceActivity(at),
      expire: host.expire,
      emit,
      later: (notify) => holder.state.later(notify),
      runLocked: (task) => host.lock.run(task),
      revoke: (captured) => this.revoke(captured),
    })
    this.#ending = {
      holder,
      refreshTokenMode: options.refreshTokenMode,
      revoke: (captured) => this.revoke(captured),
      revokeIdleEnd: (since, at, captured) => this.#idle?.revokeEnd(since, at, captured) ?? this.revoke(captured).then(() => {}),
    }
  }

  /** The idle timeout's state (always `'off'` without one). */
  get idle(): IdleStore {
    return this.#idle ?? noIdle
  }

  /** The client runs: listen for activity. */
  attach(): void {
    this.#idle?.attach()
  }

  /** The session has a new token (from anywhere); a sign-in or `setTokens()` counts as activity. */
  adopted(session: LocalSession, source: SessionSource): void {
    this.#endNotice.follow(session.token.sessionEndsAt)
    this.#idle?.sessionStarted(source === 'login' || source === 'setTokens')
  }

  /** The session ended (any reason), or `start()` found none. */
  ended(reason: UnauthenticatedReason): void {
    this.#endNotice.cancel()
    this.#idle?.sessionEnded(reason)
  }

  /** A sibling says somebody was active at `at`. */
  heard(at: number): void {
    this.#idle?.heard(at)
  }

  /** The user is still here (`auth.stillHere()`). */
  stillHere(): void {
    this.#idle?.stillHere()
  }

  /**
   * Before a token is handed out or refreshed, and on every wake-up: ends the session now if its idle deadline
   * passed (the device slept, a throttled timer has not fired yet). `true` when it did.
   */
  expired(): boolean {
    return this.#idle?.check() ?? false
  }

  /** The page woke up (visible, focus, pageshow, online). */
  wake(): void {
    this.expired()
    this.#endNotice.check()
  }

  /** At start: when the last activity was, if the session idled out while no tab was open to end it. */
  idleAtStart(): number | undefined {
    return this.#idle?.expiredAtStart()
  }

  /** A logout, the user's or for inactivity (see {@link endSession}). */
  end(reason: 'logout' | 'idle', everywhere: boolean, since?: number): Promise<void> {
    return endSession(this.#ending, reason, everywhere, since)
  }

  /** Sends the revocation request; resolves with what went wrong, if anything (also as `revocation-failed`). */
  async revoke(captured: RevocationRequest): Promise<unknown> {
    const error = await revokeSession(this.#options, captured)
    if (error !== undefined) this.#host.holder.state.emit({ type: 'revocation-failed', error })
    return error
  }

  /** The client is destroyed: release every timer and listener. */
  close(): void {
    this.#endNotice.cancel()
    this.#idle?.close()
  }
}

import type { AuthEvent } from './authEvents'
import type { Environment } from './ports'
import type { RevocationRequest } from './revocationRequest'

/**
 * Where the idle timeout stands in this tab (`auth.idle.getState()`): `'off'` without an idle timeout or without a
 * session; `'active'` while somebody used a tab recently enough; `'warning'` in the last `warnMs` before every tab
 * signs out, with the `deadline` (device epoch ms) and the time left, in whole seconds (`remainingMs`, updated every
 * second, so a countdown renders from it as it is).
 *
 * @example
 * ```ts
 * const idle = auth.idle.getState()
 * if (idle.status === 'warning') dialog.show(`You will be signed out in ${Math.ceil(idle.remainingMs / 1000)} s`)
 * ```
 */
export type IdleState =
  | {
      /** `'off'`: no idle timeout, or no session; `'active'`: somebody used a tab recently enough. */
      readonly status: 'off' | 'active'
      /** No deadline in sight. */
      readonly deadline?: undefined
      /** No countdown. */
      readonly remainingMs?: undefined
    }
  | {
      /** Every tab signs out at `deadline` unless somebody does something or calls `auth.stillHere()`. */
      readonly status: 'warning'
      /** When every tab signs out, device epoch ms. */
      readonly deadline: number
      /** The time left, in whole seconds (in ms), updated every second. */
      readonly remainingMs: number
    }

/**
 * The idle timeout's state, as a store: `getState()` returns the same object until it changes, `subscribe()`
 * calls back after each change (once it is complete) and returns an unsubscribe function. Both bound.
 */
export interface IdleStore {
  /** The current state; the same object until it changes. */
  getState(): IdleState
  /** Calls `listener` after each change; returns the function that unsubscribes it. */
  subscribe(listener: (state: IdleState) => void): () => void
}

/**
 * The idle state without an idle timeout or without a session: one frozen `{ status: 'off' }`. Also what to render
 * on the server and while hydrating (the bindings do).
 */
export const idleOff: IdleState = /* @__PURE__ */ Object.freeze({ status: 'off' })

/** What {@link IdleTimeout} tracks activity with, from the client (internal). */
export interface IdleHost {
  env: Environment
  namespace: string
  /** Whether this tab has a session: the idle clock runs only then. */
  hasSession(): boolean
  /** Tells the other tabs that somebody was active at `at` (device ms). */
  post(at: number): void
  /** The deadline passed: end the session for inactivity, in every tab. */
  expire(): void
  emit(event: AuthEvent): void
  /** Runs `notify` once the change under way is complete (listeners run after a change). */
  later(notify: () => void): void
  /** Runs `task` holding the refresh lock (across tabs). */
  runLocked<T>(task: () => Promise<T>): Promise<T>
  /** Sends the revocation request; resolves with what went wrong, if anything. */
  revoke(captured: RevocationRequest): Promise<unknown>
}

/** What the client drives an idle timeout with (internal). */
export interface IdleTracker extends IdleStore {
  /** The client runs: listen for activity. */
  attach(): void
  /** The client is destroyed: release every listener and timer. */
  close(): void
  /** This tab has a session, new or renewed; `byUser` when the user just started it (sign-in, `setTokens()`). */
  sessionStarted(byUser: boolean): void
  /** The session ended, for `reason`. */
  sessionEnded(reason: string): void
  /** A sibling tab says somebody was active at `at`. */
  heard(at: number): void
  /** The user says they are still here: as activity, told to every tab at once. */
  stillHere(): void
  /** A wake-up, or a request about to carry the token: ends the session now if its deadline passed (then `true`). */
  check(): boolean
  /** At start: when the last activity was, if the session idled out while no tab was open to end it. */
  expiredAtStart(): number | undefined
  /**
   * Revokes a session this tab ended for inactivity at `at`, unless another tab did already (see idleTimeout.ts).
   * `since`: the session's start, or for one found idle at start its last activity.
   */
  revokeEnd(since: number, at: number, captured: RevocationRequest): Promise<void>
}

/**
 * An idle timeout, made with `idleTimeout()` and passed as the `idle` option. `timeoutMs` without activity in any
 * tab ends the session everywhere; `warnMs` before that, every tab warns.
 */
export interface IdleTimeout {
  /** How long without activity in any tab ends the session in every tab, ms. */
  readonly timeoutMs: number
  /** How long before that deadline every tab warns (`idle-warning`, `auth.idle`), ms. */
  readonly warnMs: number
  /** @internal Starts tracking for one client. */
  track(host: IdleHost): IdleTracker
}

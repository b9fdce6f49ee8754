import type { UnauthenticatedReason } from './authState'
import type { WakeCause } from './ports'
import type { ConfigurationError, SessionEndedError } from './errors'

/** How a session began. `'tab'` means another tab of this browser shared it. */
export type SessionSource = 'login' | 'refresh' | 'restore' | 'setTokens' | 'tab'

/**
 * Something that happened to the session, for logs, dev tools and UIs that show a history.
 * Subscribe with {@link AuthClient.onEvent}.
 */
export type AuthEvent =
  | { type: 'session-started'; source: SessionSource; expiresAt: number }
  | {
      type: 'session-ended'
      reason: UnauthenticatedReason
      /** The server's refusal when it ended the session (status, OAuth `error`, `error_description`). */
      error?: SessionEndedError
    }
  | { type: 'refresh-started'; cause: RefreshCause }
  | { type: 'refresh-succeeded'; expiresAt: number }
  | { type: 'refresh-failed'; error: Error; retryInMs: number }
  /** The refresh endpoint says the client is misconfigured; the session is kept and no retry is scheduled. */
  | { type: 'configuration-error'; error: ConfigurationError }
  | { type: 'wake'; cause: WakeCause }
  /**
   * The session ends in `remainingMs` (at `sessionEndsAt`, as the server said with `refresh_expires_in`): after that
   * the server refuses to refresh it. Fires `sessionEndWarningMs` before the end, once per end.
   */
  | { type: 'session-ending'; sessionEndsAt: number; remainingMs: number }
  /**
   * Nobody has used any tab for a while: every tab signs out at `deadline` (device ms), in `remainingMs`, unless
   * somebody does something or calls `auth.stillHere()`. Fires once per warning, in every tab (`idleTimeout()`).
   */
  | { type: 'idle-warning'; deadline: number; remainingMs: number }
  | { type: 'revocation-failed'; error: unknown }
  | { type: 'cleanup-failed'; error: unknown }

/** Why a refresh started: on schedule, a caller needed a token, a retry, or an explicit `refresh()`. */
export type RefreshCause = 'schedule' | 'demand' | 'retry' | 'explicit' | 'start'

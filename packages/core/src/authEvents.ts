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
  | {
      /** This tab adopted a token other than by refreshing a session of its own. */
      type: 'session-started'
      /** How the session began here. */
      source: SessionSource
      /** When the token expires, device epoch ms. */
      expiresAt: number
    }
  | {
      /** A session ended by logout or revocation, here or in another tab. */
      type: 'session-ended'
      /** Why it ended. */
      reason: UnauthenticatedReason
      /** The server's refusal when it ended the session (status, OAuth `error`, `error_description`). */
      error?: SessionEndedError
    }
  | {
      /** This tab starts a refresh attempt (it may still end by adopting a sibling's token). */
      type: 'refresh-started'
      /** What asked for it. */
      cause: RefreshCause
    }
  | {
      /** This tab's own refresh replaced the token of its session. */
      type: 'refresh-succeeded'
      /** When the new token expires, device epoch ms. */
      expiresAt: number
    }
  | {
      /** A refresh failed transiently; the session is kept. */
      type: 'refresh-failed'
      /** What went wrong (`NetworkError`, `ServerError`, `InvalidResponseError`, …). */
      error: Error
      /** When the next attempt is, in ms from now. */
      retryInMs: number
    }
  | {
      /** The refresh endpoint says the client is misconfigured; the session is kept and no retry is scheduled. */
      type: 'configuration-error'
      /** The server's refusal. */
      error: ConfigurationError
    }
  | {
      /** The page woke up (visible, restored, focused, online, or a timer fired late). */
      type: 'wake'
      /** What woke it. */
      cause: WakeCause
    }
  | {
      /**
       * The session ends in `remainingMs` (at `sessionEndsAt`, as the server said with `refresh_expires_in`): after
       * that the server refuses to refresh it. Fires `sessionEndWarningMs` before the end, once per end.
       */
      type: 'session-ending'
      /** When the session ends, device epoch ms (the state's `sessionEndsAt`). */
      sessionEndsAt: number
      /** How long until then, in ms. */
      remainingMs: number
    }
  | {
      /**
       * Nobody has used any tab for a while: every tab signs out at `deadline`, in `remainingMs`, unless somebody
       * does something or calls `auth.stillHere()`. Fires once per warning, in every tab (`idleTimeout()`).
       */
      type: 'idle-warning'
      /** When every tab signs out, device epoch ms. */
      deadline: number
      /** How long until then, in ms. */
      remainingMs: number
    }
  | {
      /** The logout's revocation request failed; the local logout happened anyway. */
      type: 'revocation-failed'
      /** What went wrong (a network error, a timeout, or `Error('HTTP 400 invalid_client: …')`, code TL221). */
      error: unknown
    }
  | {
      /** An `onSessionEnd` callback threw or rejected. */
      type: 'cleanup-failed'
      /** What it threw. */
      error: unknown
    }

/** Why a refresh started: on schedule, a caller needed a token, a retry, or an explicit `refresh()`. */
export type RefreshCause = 'schedule' | 'demand' | 'retry' | 'explicit' | 'start'

import type { RefreshFailureReason } from './refreshResult'

/**
 * What the auth handler reports as it works (its `onEvent` option): for metrics, logs and tests. Sent after the
 * request was decided; it carries no token and no email.
 */
export type AuthEvent =
  | {
      /** `POST <basePath>/login`. */
      type: 'login'
      /** `'success'` (signed in), `'failure'` (wrong email or password), `'rate_limited'` (refused with 429 before checking). */
      outcome: 'success' | 'failure' | 'rate_limited'
    }
  | {
      /** `POST <basePath>/refresh`. */
      type: 'refresh'
      /**
       * `'success'` (rotated), `'retried'` (a retry within the retry window, answered with the same successor),
       * `'bad_request'` (no grant type or no refresh token: 400 before any token was looked at), or why the token
       * was refused ({@link RefreshFailureReason}; `'reuse'` means the whole session was just revoked).
       */
      outcome: 'success' | 'retried' | 'bad_request' | RefreshFailureReason
      /** The session (token family), when the token was known. */
      familyId?: string
    }
  | {
      /** `POST <basePath>/logout` or `/logout-everywhere`, answered 200 (or 400 for "everywhere" without a current credential). */
      type: 'logout'
      /** Whether every session of the user ended (`false` also when "everywhere" was refused and only this one ended). */
      everywhere: boolean
    }
  | {
      /** `POST <basePath>/change-password` succeeded: every other session of the user ends. */
      type: 'password_change'
    }

/** Counters over the handler's {@link AuthEvent}s (see {@link createStats}). Every count starts at 0 and only grows. */
export interface ServerStats {
  /** Successful logins. */
  logins: number
  /** Logins refused for a wrong email or password. */
  loginFailures: number
  /** Logins refused by the rate limit (429). */
  loginRateLimited: number
  /** Every request to the refresh endpoint, well-formed or not. */
  refreshRequests: number
  /** Refreshes that rotated, and retries answered with the same successor (also counted in `retries`). */
  refreshSuccesses: number
  /** Tokens presented again within the retry window and answered with the same successor. */
  retries: number
  /** Refreshes refused, for any reason (bad requests included): `refreshRequests - refreshSuccesses`. */
  refreshFailures: number
  /** Refreshes refused as reuse: a token already rotated came again, and its session was revoked. */
  reuseDetected: number
  /** Refreshes refused because the user's token version moved (password change, logout everywhere). */
  versionMismatches: number
  /** Logouts of one session. */
  logouts: number
  /** Logouts of every session of a user. */
  logoutsEverywhere: number
  /** Successful password changes. */
  passwordChanges: number
  /** The last 1000 refresh requests, oldest first. */
  refreshLog: Array<{
    /** When it was answered, epoch ms (the `now` of {@link createStats}). */
    at: number
    /** Its outcome, as in the `refresh` {@link AuthEvent}. */
    outcome: Extract<AuthEvent, { type: 'refresh' }>['outcome']
    /** Its session, when the token was known. */
    familyId?: string
  }>
}

/**
 * Counters over the handler's events: pass `onEvent` to `createAuthHandler()` and read `stats` (a live object) for
 * metrics or a status page. `now` (epoch ms) stamps the refresh log; default `Date.now`.
 *
 * @example
 * ```ts
 * const { stats, onEvent } = createStats()
 * const auth = createAuthHandler({ issuer, verifier, onEvent })
 * setInterval(() => metrics.gauge('auth.reuse_detected', stats.reuseDetected), 10_000)
 * ```
 */
export function createStats(now: () => number = Date.now): {
  /** The counters, updated in place as events arrive. */
  stats: ServerStats
  /** The handler's `onEvent`: counts each event. */
  onEvent: (event: AuthEvent) => void
} {
  const stats: ServerStats = {
    logins: 0,
    loginFailures: 0,
    loginRateLimited: 0,
    refreshRequests: 0,
    refreshSuccesses: 0,
    retries: 0,
    refreshFailures: 0,
    reuseDetected: 0,
    versionMismatches: 0,
    logouts: 0,
    logoutsEverywhere: 0,
    passwordChanges: 0,
    refreshLog: [],
  }
  const onEvent = (event: AuthEvent) => {
    switch (event.type) {
      case 'login':
        if (event.outcome === 'success') stats.logins += 1
        else if (event.outcome === 'failure') stats.loginFailures += 1
        else stats.loginRateLimited += 1
        return
      case 'refresh': {
        stats.refreshRequests += 1
        const { outcome, familyId } = event
        if (outcome === 'success' || outcome === 'retried') stats.refreshSuccesses += 1
        else stats.refreshFailures += 1
        if (outcome === 'retried') stats.retries += 1
        if (outcome === 'reuse') stats.reuseDetected += 1
        if (outcome === 'version_changed') stats.versionMismatches += 1
        stats.refreshLog.push({ at: now(), outcome, ...(familyId ? { familyId } : {}) })
        if (stats.refreshLog.length > 1000) stats.refreshLog.shift()
        return
      }
      case 'logout':
        if (event.everywhere) stats.logoutsEverywhere += 1
        else stats.logouts += 1
        return
      case 'password_change':
        stats.passwordChanges += 1
    }
  }
  return { stats, onEvent }
}

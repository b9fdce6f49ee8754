import type { RefreshFailureReason } from './issuer'

/** What the auth handler reports as it works (its `onEvent` option): for metrics, logs and tests. */
export type AuthEvent =
  | { type: 'login'; outcome: 'success' | 'failure' | 'rate_limited' }
  | { type: 'refresh'; outcome: 'success' | 'retried' | 'bad_request' | RefreshFailureReason; familyId?: string }
  | { type: 'logout'; everywhere: boolean }
  | { type: 'password_change' }

/** Counters over the handler's {@link AuthEvent}s (see {@link createStats}). */
export interface ServerStats {
  logins: number
  loginFailures: number
  loginRateLimited: number
  /** Every request to the refresh endpoint, well-formed or not. */
  refreshRequests: number
  /** Refreshes that rotated, and retries answered with the same successor (also counted in `retries`). */
  refreshSuccesses: number
  /** Tokens presented again within the retry window and answered with the same successor. */
  retries: number
  refreshFailures: number
  reuseDetected: number
  versionMismatches: number
  logouts: number
  logoutsEverywhere: number
  passwordChanges: number
  /** The last 1000 refresh requests: server time and outcome. */
  refreshLog: Array<{ at: number; outcome: Extract<AuthEvent, { type: 'refresh' }>['outcome']; familyId?: string }>
}

/** Counters and the `onEvent` that keeps them; `now` stamps the refresh log. */
export function createStats(now: () => number = Date.now): { stats: ServerStats; onEvent: (event: AuthEvent) => void } {
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

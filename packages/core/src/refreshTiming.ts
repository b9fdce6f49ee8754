/** When to refresh and how to back off; all durations in milliseconds. */
export interface RefreshTiming {
  /** Refresh this fraction of the token's lifetime before it expires. Default `0.2`. */
  marginRatio: number
  /** ...but at least this long before expiry (at most `maxMarginMs`). Default `5_000`. */
  minMarginMs: number
  /** ...and at most this long before expiry. Default `300_000` (5 minutes). */
  maxMarginMs: number
  /**
   * Spreads a fleet's refreshes over time. A refresh that comes on schedule keeps the phase: the next one is due at
   * the steady point, `lifetime − margin` after the token was issued. A token that begins a new phase (a sign-in, a
   * page load, `setTokens()`, a restored token, an explicit refresh, a retry) is refreshed at a random point of the
   * last `spreadRatio` of that interval instead, so sessions that began together do not refresh together: the phases
   * of any herd then vary by at most `1 / spreadRatio` (peak over mean), however it arrived. From 0 (never spread) to 1
   * (anywhere from issue to the steady point). Default `0.9`. See {@link refreshWindow}.
   */
  spreadRatio: number
  /** `getAccessToken()` refreshes first when the token has less than this left. Default `5_000`. */
  minValidityMs: number
  /** Give up on one refresh or login request after this long (logout has `logoutTimeoutMs`); above 0. Default `10_000`. */
  requestTimeoutMs: number
  /** First retry delay after a transient failure; above 0 and at most `retryMaxMs`. Default `1_000`. */
  retryBaseMs: number
  /** Longest retry delay. Default `60_000`. */
  retryMaxMs: number
  /**
   * The longest `Retry-After` honoured: a server (or a proxy in front of it) asking for longer is waited for this
   * long only, after which scheduled and explicit refreshes go through again. Default `300_000` (5 minutes).
   */
  maxRetryAfterMs: number
  /** Wait at most this long for another tab's refresh lock before taking it over. Default `15_000`. */
  lockTimeoutMs: number
  /** How long a tab waits for its siblings to share their session before it asks the server. Default `100`. */
  tabQueryTimeoutMs: number
}

/**
 * How long a refresh request that left may keep the refresh lock, ms: 4 × `lockTimeoutMs` after it was sent. Its
 * holder keeps the lock that long at most (a server that never answers must not wedge every tab), and that long
 * no other tab takes the lock over from it (its answer holds the only copy of the rotated token).
 */
export const requestHoldMs = (timing: Pick<RefreshTiming, 'lockTimeoutMs'>): number => 4 * timing.lockTimeoutMs

/** The defaults for {@link RefreshTiming}. */
export const defaultRefreshTiming: RefreshTiming = {
  marginRatio: 0.2,
  minMarginMs: 5_000,
  maxMarginMs: 300_000,
  spreadRatio: 0.9,
  minValidityMs: 5_000,
  requestTimeoutMs: 10_000,
  retryBaseMs: 1_000,
  retryMaxMs: 60_000,
  maxRetryAfterMs: 300_000,
  lockTimeoutMs: 15_000,
  tabQueryTimeoutMs: 100,
}

const clamp = (value: number, min: number, max: number) => Math.min(Math.max(value, min), max)

/** When a token may be refreshed, in ms after it was issued (see {@link refreshDueAt}). */
export interface RefreshWindow {
  /** The earliest a token that begins a new phase is refreshed: `steadyMs × (1 − spreadRatio)`. */
  earliestMs: number
  /** When a token obtained on schedule is refreshed: `lifetime − margin` (the margin is at most half the lifetime). */
  steadyMs: number
}

/** The refresh window of a token that lives `lifetimeMs`: the rule every refresh follows. */
export function refreshWindow(timing: RefreshTiming, lifetimeMs: number): RefreshWindow {
  const margin = Math.min(clamp(lifetimeMs * timing.marginRatio, timing.minMarginMs, timing.maxMarginMs), lifetimeMs / 2)
  const steadyMs = lifetimeMs - margin
  return { earliestMs: steadyMs * (1 - timing.spreadRatio), steadyMs }
}

/**
 * When to refresh a token that expires at `expiresAt` after living `lifetimeMs`, never before `now`. Without
 * `spread` (a token obtained on schedule): at the steady point of its {@link refreshWindow}. With `spread` (a random
 * number in [0, 1), for a token that begins a new phase): that far into the window from its earliest point (or from
 * `now`, for a token restored late in its life) to the steady point.
 */
export function refreshDueAt(timing: RefreshTiming, expiresAt: number, lifetimeMs: number, now: number, spread?: number): number {
  const { earliestMs, steadyMs } = refreshWindow(timing, lifetimeMs)
  const issuedAt = expiresAt - lifetimeMs
  const steady = issuedAt + steadyMs
  if (spread === undefined) return Math.max(now, steady)
  const from = Math.max(now, issuedAt + earliestMs)
  return Math.max(now, from + spread * Math.max(0, steady - from))
}

/**
 * When to refresh a token about to become the session's: when that was decided before (`refreshAt`, by the sibling
 * that shared it or the page that persisted it: the phase is kept; the steady point at the latest); at the steady
 * point after a refresh on schedule; else at a random point of its window (a new phase: see `spreadRatio`).
 */
export function plannedRefreshAt(
  timing: RefreshTiming,
  { token, onSchedule, refreshAt }: { token: { expiresAt: number; lifetimeMs: number }; onSchedule?: boolean; refreshAt?: number },
  env: { now(): number; random(): number },
): number {
  const now = env.now()
  const steady = refreshDueAt(timing, token.expiresAt, token.lifetimeMs, now)
  if (refreshAt !== undefined) return refreshAt >= now ? Math.min(refreshAt, steady) : steady
  return onSchedule ? steady : refreshDueAt(timing, token.expiresAt, token.lifetimeMs, now, env.random())
}

/** A server's `Retry-After` (ms), capped at `timing.maxRetryAfterMs`; `undefined` when it sent none. */
export function cappedRetryAfter(timing: RefreshTiming, retryAfterMs: number | undefined): number | undefined {
  return retryAfterMs === undefined ? undefined : Math.min(retryAfterMs, timing.maxRetryAfterMs)
}

/**
 * The delay before retry number `attempt` (1-based) after a transient failure: capped exponential backoff with
 * "equal jitter" (half fixed, half random), or the server's `Retry-After` (capped at `timing.maxRetryAfterMs`) when
 * it asks for longer.
 */
export function retryDelay(timing: RefreshTiming, attempt: number, random: number, retryAfterMs?: number): number {
  const ceiling = Math.min(timing.retryMaxMs, timing.retryBaseMs * 2 ** Math.max(0, attempt - 1))
  const backoff = ceiling / 2 + (random * ceiling) / 2
  return Math.max(backoff, cappedRetryAfter(timing, retryAfterMs) ?? 0)
}

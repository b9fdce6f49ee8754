/** When to refresh and how to back off; all durations in milliseconds. */
export interface RefreshTiming {
  /** Refresh this fraction of the token's lifetime before it expires. Default `0.2`. */
  marginRatio: number
  /** ...but at least this long before expiry (at most `maxMarginMs`). Default `5_000`. */
  minMarginMs: number
  /** ...and at most this long before expiry. Default `300_000` (5 minutes). */
  maxMarginMs: number
  /**
   * Refresh up to this fraction of the lifetime earlier still, at random, so a fleet does not refresh in step.
   * Below 0.5 (the margin may be half the lifetime). Default `0.1`.
   */
  jitterRatio: number
  /** ...capped at this many ms. Default `60_000`. */
  maxJitterMs: number
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
  jitterRatio: 0.1,
  maxJitterMs: 60_000,
  minValidityMs: 5_000,
  requestTimeoutMs: 10_000,
  retryBaseMs: 1_000,
  retryMaxMs: 60_000,
  maxRetryAfterMs: 300_000,
  lockTimeoutMs: 15_000,
  tabQueryTimeoutMs: 100,
}

const clamp = (value: number, min: number, max: number) => Math.min(Math.max(value, min), max)

/**
 * When to refresh a token that expires at `expiresAt` after living `lifetimeMs`: a margin that scales with the
 * lifetime (never more than half of it), minus random jitter, never before `now`.
 */
export function refreshDueAt(
  timing: RefreshTiming,
  expiresAt: number,
  lifetimeMs: number,
  now: number,
  random: number,
): number {
  const margin = Math.min(clamp(lifetimeMs * timing.marginRatio, timing.minMarginMs, timing.maxMarginMs), lifetimeMs / 2)
  const jitter = random * Math.min(lifetimeMs * timing.jitterRatio, timing.maxJitterMs)
  return Math.max(now, expiresAt - margin - jitter)
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

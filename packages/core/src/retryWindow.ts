/**
 * The response header by which a refresh endpoint says it has an idempotent retry window: a refresh token presented
 * again within that many seconds of its rotation is answered with the same successor instead of being punished as
 * reuse. Its value is delta-seconds (`Tokenlife-Retry-Window: 30`). A cross-origin endpoint must list it in
 * `Access-Control-Expose-Headers`, or the page cannot read it.
 */
export const RETRY_WINDOW_HEADER = 'Tokenlife-Retry-Window'

/**
 * The retry window a token response advertises, ms; `undefined` when it has none, or one that is not a number of
 * seconds above 0 and at most a day.
 */
export function retryWindowOf(response: Response): number | undefined {
  const seconds = Number(response.headers.get(RETRY_WINDOW_HEADER))
  return seconds > 0 && seconds <= 86_400 ? seconds * 1000 : undefined
}

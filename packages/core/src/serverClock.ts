/** What a token response tells about the server's clock. */
export interface ClockSample {
  /** This device's clock when the response arrived (epoch ms). */
  receivedAt: number
  /** The response's `Date` header, if the browser let us read it. */
  dateHeader?: string | null
  /** The access token's `iat` claim (epoch seconds), if any. */
  issuedAt?: number
}

/**
 * Estimates `serverTime - deviceTime` in milliseconds from one token response, or `undefined` when the response
 * carries no clue. `Date` and `iat` both truncate the server's clock to the second at the moment the response was
 * made, so the server's clock when the response arrived is at least the later of the two; half a second is added
 * for the truncation.
 */
export function estimateClockOffset(sample: ClockSample): number | undefined {
  const dateMs = sample.dateHeader ? Date.parse(sample.dateHeader) : Number.NaN
  const iatMs = typeof sample.issuedAt === 'number' && Number.isFinite(sample.issuedAt) ? sample.issuedAt * 1000 : Number.NaN
  const clues = [dateMs, iatMs].filter((value) => Number.isFinite(value))
  if (clues.length === 0) return undefined
  return Math.max(...clues) + 500 - sample.receivedAt
}

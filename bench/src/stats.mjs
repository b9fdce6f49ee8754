// Small statistics helpers shared by the parts.
export const median = (values) => quantile(values, 0.5)

/** The q-quantile (nearest rank, interpolated between the two middle values for the median of an even count). */
export function quantile(values, q) {
  if (values.length === 0) return NaN
  const sorted = Float64Array.from(values).sort()
  if (q === 0.5 && sorted.length % 2 === 0) return (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

/** Formats a number for a table: `digits` decimals, or an em dash for a missing value. */
export const fmt = (value, digits = 2) => (value === undefined || value === null || Number.isNaN(value) ? '—' : Number(value).toFixed(digits))

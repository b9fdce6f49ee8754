/** A positive number of seconds (or `0` where `zero` allows it); anything else is a `TypeError` naming the option. */
export function positiveSeconds(name: string, value: number, { zero = false } = {}): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || (value === 0 && !zero)) {
    throw new TypeError(`tokenlife: ${name} must be a ${zero ? 'non-negative' : 'positive'} number of seconds, got ${String(value)}`)
  }
  return value
}

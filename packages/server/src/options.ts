import { invalid } from './diagnostics/diagnostic'

/** A positive number of seconds (or `0` where `zero` allows it); anything else is a `TypeError` (TL602) naming the option. */
export function positiveSeconds(name: string, value: number, { zero = false } = {}): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || (value === 0 && !zero)) invalid('TL602', name, value, zero)
  return value
}

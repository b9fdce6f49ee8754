/** A short rendering of a value received, for error messages: strings are quoted (and cut at 60 characters). */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value)
  return describeSecret(value)
}

/** {@link describeValue} for a value that may be a secret (a token): a string shows only its length. */
export function describeSecret(value: unknown): string {
  if (value === null) return 'null'
  if (typeof value === 'string') return value === '' ? '""' : `a string of ${value.length} characters`
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  if (Array.isArray(value)) return 'an array'
  if (typeof value === 'function') return 'a function'
  return typeof value === 'object' ? 'an object' : typeof value
}

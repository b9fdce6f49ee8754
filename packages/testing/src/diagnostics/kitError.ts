import { diagnosticMessage } from '@tokenlife/core'
import { diagnostics, type TestingCode } from './codes'

/**
 * An error of the kit with its code: the table's message in the development build, the code, `subject` and the
 * troubleshooting link in the production build (which does not carry the table).
 */
export function kitError<E extends Error>(
  Kind: new (message: string) => E,
  code: TestingCode,
  subject: string | undefined,
  ...details: unknown[]
): E & { code: TestingCode } {
  const text = process.env.NODE_ENV !== 'production' ? diagnostics[code].message(subject, ...details) : undefined
  const message = diagnosticMessage(code, subject, text)
  return Object.assign(new Kind(text === undefined ? `tokenlife: ${message}` : message), { code })
}

/** Describes a value for a message: `"text"`, `42`, `undefined`, `an object`, `a function`. */
export function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value)
  if (value === null || value === undefined || typeof value === 'number' || typeof value === 'boolean') return String(value)
  return typeof value === 'function' ? 'a function' : Array.isArray(value) ? 'an array' : 'an object'
}

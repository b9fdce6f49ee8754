import { diagnosticMessage } from '@tokenlife/core'
import { diagnostics, type VueCode } from './codes'

/** An error of this package with its code and message: the table's text in development, the code and link in production. */
export function codedError<E extends Error>(Kind: new (message: string) => E, code: VueCode, ...details: unknown[]): E & { code: string } {
  const text = process.env.NODE_ENV !== 'production' ? diagnostics[code].message(undefined, ...details) : undefined
  const message = diagnosticMessage(code, undefined, text)
  // The table's texts start with `tokenlife:`; the production message gets it here.
  return Object.assign(new Kind(text === undefined ? `tokenlife: ${message}` : message), { code })
}

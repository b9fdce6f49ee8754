import type { CoreCode } from './codes'
import { diagnostics } from './codes'

/**
 * The troubleshooting entry of a code: what it means, the likely cause, the fix. Every error and warning tokenlife
 * raises names its code and this link, in both builds.
 */
export const troubleshootingUrl = (code: string): string => `https://tokenlife.dev/troubleshooting#${code.toLowerCase()}`

/**
 * The text of diagnostic `code`. The development build writes the full message of the table in `codes.ts`, then the
 * code and its link. The production build, which does not carry the table, writes the code, `subject` (a name or a
 * URL, never a secret) and the link. Chosen by `process.env.NODE_ENV`, which each build replaces with a constant.
 */
export function diagnosticText(code: CoreCode, subject?: string, ...details: unknown[]): string {
  const link = troubleshootingUrl(code)
  if (process.env.NODE_ENV !== 'production') return `${diagnostics[code].message(subject, ...details)} (${code}: ${link})`
  return `${code}${subject === undefined ? '' : ` ${subject}`}: ${link}`
}

/** An error with the code of its troubleshooting entry (`error.code === 'TL104'`), as Node's own errors have one. */
export type CodedError<E extends Error> = E & { readonly code: string }

/** A plain `Error` carrying `code`, for failures that are caught and reported as another code's cause. */
export function codedError(code: CoreCode, subject?: string, ...details: unknown[]): CodedError<Error> {
  return Object.assign(new Error(diagnosticText(code, subject, ...details)), { code })
}

/**
 * The one way tokenlife reports bad input from the app: a `TypeError` carrying `code`, whose message starts with
 * `tokenlife:` and names what is wrong, thrown before anything changed.
 */
export function invalid(code: CoreCode, subject?: string, details: readonly unknown[] = [], cause?: unknown): never {
  const error = new TypeError(`tokenlife: ${diagnosticText(code, subject, ...details)}`, cause === undefined ? undefined : { cause })
  throw Object.assign(error, { code }) satisfies CodedError<TypeError>
}

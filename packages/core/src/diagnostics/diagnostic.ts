import type { CoreCode } from './codes'
import { diagnostics } from './codes'

/**
 * The troubleshooting entry of an error's or a warning's code (`error.code`): what it means, the likely cause, the
 * fix. Every error and warning tokenlife raises names its code and this link, in both builds.
 *
 * @example
 * ```ts
 * if (isTokenlifeError(error) && error.code) showLink(troubleshootingUrl(error.code))
 * ```
 */
export const troubleshootingUrl = (code: string): string => `https://tokenlife.dev/troubleshooting#${code.toLowerCase()}`

/**
 * The message of an error or warning with a code, as every tokenlife package writes it: `developmentText` followed by
 * the code and its troubleshooting link (a development build, which carries its diagnostics table); or, without a
 * text (a production build), the code, `subject` (a name or a URL, never a secret) and the link.
 *
 * @example
 * ```ts
 * diagnosticMessage('TL701', undefined, 'no <AuthProvider> above this component') // '… (TL701: https://tokenlife.dev/troubleshooting#tl701)'
 * diagnosticMessage('TL109', 'timing.jitterRatio', undefined) // 'TL109 timing.jitterRatio: https://tokenlife.dev/troubleshooting#tl109'
 * ```
 */
export function diagnosticMessage(code: string, subject: string | undefined, developmentText: string | undefined): string {
  const link = troubleshootingUrl(code)
  if (developmentText !== undefined) return `${developmentText} (${code}: ${link})`
  return `${code}${subject === undefined ? '' : ` ${subject}`}: ${link}`
}

/**
 * The text of diagnostic `code`. The development build writes the full message of the table in `codes.ts`; the
 * production build, which does not carry the table, only the code, `subject` and the link. Chosen by
 * `process.env.NODE_ENV`, which each build replaces with a constant.
 */
export function diagnosticText(code: CoreCode, subject?: string, ...details: unknown[]): string {
  const text = process.env.NODE_ENV !== 'production' ? diagnostics[code].message(subject, ...details) : undefined
  return diagnosticMessage(code, subject, text)
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

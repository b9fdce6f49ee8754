import { diagnostics, type ServerCode } from './codes'

/** The troubleshooting entry of a code: what it means, the likely cause, the fix. */
export const troubleshootingUrl = (code: ServerCode): string => `https://tokenlife.dev/troubleshooting#${code.toLowerCase()}`

/**
 * The text of diagnostic `code`, as every tokenlife package writes it: `tokenlife:`, the table's message, then the
 * code and its troubleshooting link. The server has one build, so the message is always written in full.
 */
export function diagnosticText(code: ServerCode, subject?: string, ...details: unknown[]): string {
  return `tokenlife: ${diagnostics[code].message(subject, ...details)} (${code}: ${troubleshootingUrl(code)})`
}

/** An error with the code of its troubleshooting entry (`error.code === 'TL621'`), as Node's own errors have one. */
export type CodedError<E extends Error> = E & { readonly code: ServerCode }

/** A plain `Error` carrying `code`: a store or feed failure the caller may want to tell apart. */
export function codedError(code: ServerCode, subject?: string, ...details: unknown[]): CodedError<Error> {
  return Object.assign(new Error(diagnosticText(code, subject, ...details)), { code })
}

/** Bad options or input: throws a `TypeError` carrying `code`, before anything was created or changed. */
export function invalid(code: ServerCode, subject?: string, ...details: unknown[]): never {
  throw Object.assign(new TypeError(diagnosticText(code, subject, ...details)), { code }) satisfies CodedError<TypeError>
}

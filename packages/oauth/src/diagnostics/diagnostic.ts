import { diagnosticMessage } from '@tokenlife/core'
import { diagnostics, type OAuthCode } from './codes'

/**
 * The message of diagnostic `code`: in the development build the table's text (it starts with `tokenlife:`), then the
 * code and its troubleshooting link; in the production build, which does not carry the table, `tokenlife:`, the code,
 * `subject` (a name or a URL, never a secret) and the link. Chosen by `process.env.NODE_ENV`, a constant in each build.
 */
export function oauthText(code: OAuthCode, subject?: string, ...details: unknown[]): string {
  const text = process.env.NODE_ENV !== 'production' ? diagnostics[code].message(subject, ...details) : undefined
  const message = diagnosticMessage(code, subject, text)
  return text === undefined ? `tokenlife: ${message}` : message
}

/** Bad input from the app: a `TypeError` carrying `code`, thrown before anything was stored or sent. */
export function invalid(code: OAuthCode, subject?: string, ...details: unknown[]): never {
  throw Object.assign(new TypeError(oauthText(code, subject, ...details)), { code })
}

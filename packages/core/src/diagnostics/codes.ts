import type { DiagnosticTable } from './diagnosticEntry'
import { dpopCodes } from './dpopCodes'
import { httpCodes } from './httpCodes'
import { inputCodes } from './inputCodes'
import { optionCodes } from './optionCodes'
import { policyCodes } from './policyCodes'
import { serverCodes } from './serverCodes'
import { tabsCodes } from './tabsCodes'

/**
 * Every error and warning `@tokenlife/core` raises, by code: TL1xx options, input and the app's callbacks; TL2xx
 * what the auth server answered and the session's end; TL3xx tabs, the lock, the channel and storage; TL4xx the HTTP
 * helpers. The one table the development build's messages and the troubleshooting page are made from; the
 * production build does not carry it (only `diagnostic.ts` reads it, behind the development condition).
 */
export const diagnostics = {
  ...optionCodes,
  ...policyCodes,
  ...inputCodes,
  ...serverCodes,
  ...tabsCodes,
  ...httpCodes,
  ...dpopCodes,
} as const satisfies DiagnosticTable

/** A code of `@tokenlife/core`. */
export type CoreCode = keyof typeof diagnostics

import type { DiagnosticTable } from '@tokenlife/core'
import { callbackCodes } from './callbackCodes'
import { idTokenCodes } from './idTokenCodes'
import { inputCodes } from './inputCodes'
import { providerCodes } from './providerCodes'

/**
 * Every error `@tokenlife/oauth` raises, by code (TL5xx): TL50x–TL51x options, sign-in parameters and the page;
 * TL52x–TL53x the callback; TL54x–TL55x the ID token, one code per check; TL56x the provider's metadata and
 * endpoints, and the DPoP binding of a sign-in (TL564, TL565). The one table the development build's messages and the troubleshooting page are made from; the
 * production build does not carry it (only `diagnostic.ts` reads it, behind the development condition). The package
 * logs nothing of its own: network failures and the session's end are the core's codes.
 */
export const diagnostics = {
  ...inputCodes,
  ...callbackCodes,
  ...idTokenCodes,
  ...providerCodes,
} as const satisfies DiagnosticTable

/** A code of `@tokenlife/oauth`. */
export type OAuthCode = keyof typeof diagnostics

import { TokenlifeError } from '@tokenlife/core'
import type { OAuthCode } from './diagnostics/codes'
import { oauthText } from './diagnostics/diagnostic'

// One class per way a sign-in is refused. Each picks its code (TL5xx) and builds its message in one place (its
// constructor) from the fields it carries, has a literal `name`, and an `isXError` guard that compares the name
// (works across realms). The messages are the diagnostics table's, in the development build only.

/** Compares `name` (not the prototype) and `transient`, which every tokenlife error has. */
const guard =
  <T>(name: string) =>
  (error: unknown): error is T =>
    typeof error === 'object' && error !== null && 'transient' in error && (error as { name?: unknown }).name === name

/**
 * The provider answered the authorization request with an error (`error=access_denied`, `login_required`, …): the
 * user cancelled, or the provider would not sign them in. Nothing was stored.
 *
 * `error.code`: TL528 ([troubleshooting](https://tokenlife.dev/troubleshooting)).
 */
export class AuthorizationError extends TokenlifeError {
  /** The error's class name, compared by {@link isAuthorizationError} (works across realms). */
  override readonly name = 'AuthorizationError' as const
  /** The OAuth `error` code, e.g. `'access_denied'`. */
  readonly error: string
  /** The provider's `error_description`, when it sent one. */
  readonly description: string | undefined
  /** The provider's `error_uri`, when it sent one. */
  readonly uri: string | undefined

  constructor(error: string, options: { description?: string; uri?: string; cause?: unknown } = {}) {
    super(oauthText('TL528', error, options.description), { cause: options.cause, code: 'TL528' })
    this.error = error
    this.description = options.description
    this.uri = options.uri
  }
}
/** Whether `error` is an {@link AuthorizationError}. */
export const isAuthorizationError = guard<AuthorizationError>('AuthorizationError')

/** What is wrong with a callback's `state`. */
export type CallbackStateProblem = 'missing' | 'mismatch' | 'unknown'

const stateCodes: Record<CallbackStateProblem, OAuthCode> = { missing: 'TL521', mismatch: 'TL522', unknown: 'TL523' }

/**
 * The callback's `state` does not answer a sign-in this tab began: missing, another one than this tab's, or none at
 * all. A forged callback (login CSRF) looks like this. Nothing was stored, and any session is untouched.
 *
 * `error.code`: TL521–TL523, by `problem` ([troubleshooting](https://tokenlife.dev/troubleshooting)).
 */
export class CallbackStateError extends TokenlifeError {
  /** The error's class name, compared by {@link isCallbackStateError} (works across realms). */
  override readonly name = 'CallbackStateError' as const
  /** What is wrong with `state`: `'missing'` (TL521), `'mismatch'` (TL522) or `'unknown'` (TL523). */
  readonly problem: CallbackStateProblem

  constructor(problem: CallbackStateProblem) {
    super(oauthText(stateCodes[problem], 'state'), { code: stateCodes[problem] })
    this.problem = problem
  }
}
/** Whether `error` is a {@link CallbackStateError}. */
export const isCallbackStateError = guard<CallbackStateError>('CallbackStateError')

/**
 * The callback was handled already (a reload, the back button, the URL opened again). Any session is untouched.
 *
 * `error.code`: TL524 ([troubleshooting](https://tokenlife.dev/troubleshooting)).
 */
export class CallbackReplayError extends TokenlifeError {
  /** The error's class name, compared by {@link isCallbackReplayError} (works across realms). */
  override readonly name = 'CallbackReplayError' as const

  constructor() {
    super(oauthText('TL524'), { code: 'TL524' })
  }
}
/** Whether `error` is a {@link CallbackReplayError}. */
export const isCallbackReplayError = guard<CallbackReplayError>('CallbackReplayError')

/**
 * The callback answers a sign-in another tab began: the transaction (PKCE verifier, nonce) lives in that tab's
 * sessionStorage only. Nothing was stored; the other tab's sign-in can still finish there.
 *
 * `error.code`: TL525 ([troubleshooting](https://tokenlife.dev/troubleshooting)).
 */
export class OtherTabTransactionError extends TokenlifeError {
  /** The error's class name, compared by {@link isOtherTabTransactionError} (works across realms). */
  override readonly name = 'OtherTabTransactionError' as const

  constructor() {
    super(oauthText('TL525'), { code: 'TL525' })
  }
}
/** Whether `error` is an {@link OtherTabTransactionError}. */
export const isOtherTabTransactionError = guard<OtherTabTransactionError>('OtherTabTransactionError')

/**
 * The callback's `iss` (RFC 9207) names another issuer than this client's, or is missing where the provider says it
 * sends one: a mix-up attack, or a callback meant for another provider. Nothing was stored.
 *
 * `error.code`: TL526 (another issuer) or TL527 (none) ([troubleshooting](https://tokenlife.dev/troubleshooting)).
 */
export class IssuerMismatchError extends TokenlifeError {
  /** The error's class name, compared by {@link isIssuerMismatchError} (works across realms). */
  override readonly name = 'IssuerMismatchError' as const
  /** This client's issuer, the `iss` the callback should have carried. */
  readonly expected: string
  /** The `iss` the callback carried; `undefined` when it carried none. */
  readonly received: string | undefined

  constructor(expected: string, received: string | undefined, options: { cause?: unknown } = {}) {
    const code = received === undefined ? 'TL527' : 'TL526'
    super(received === undefined ? oauthText(code, expected) : oauthText(code, received, expected), { cause: options.cause, code })
    this.expected = expected
    this.received = received
  }
}
/** Whether `error` is an {@link IssuerMismatchError}. */
export const isIssuerMismatchError = guard<IssuerMismatchError>('IssuerMismatchError')

/** Which check an ID token failed. */
export type IdTokenCheckName = 'signature' | 'alg' | 'iss' | 'aud' | 'azp' | 'exp' | 'iat' | 'nbf' | 'nonce' | 'auth_time' | 'sub' | 'malformed' | 'missing'

const idTokenCodes: Record<IdTokenCheckName, OAuthCode> = {
  signature: 'TL541',
  alg: 'TL542',
  iss: 'TL543',
  aud: 'TL544',
  azp: 'TL545',
  exp: 'TL546',
  iat: 'TL547',
  nbf: 'TL548',
  nonce: 'TL549',
  auth_time: 'TL550',
  sub: 'TL551',
  malformed: 'TL552',
  missing: 'TL553',
}

/**
 * The ID token failed validation (signature from the JWKS, `alg`, `iss`, `aud`, `azp`, `exp`, `iat`, `nonce`, or, on
 * a refresh, the same `sub`). At sign-in nothing is stored; on a refresh the session ends (reason `revoked`).
 *
 * `error.code`: TL541–TL553, one per `check` ([troubleshooting](https://tokenlife.dev/troubleshooting)).
 */
export class IdTokenError extends TokenlifeError {
  /** The error's class name, compared by {@link isIdTokenError} (works across realms). */
  override readonly name = 'IdTokenError' as const
  /** The check it failed. */
  readonly check: IdTokenCheckName

  constructor(check: IdTokenCheckName, options: { cause?: unknown } = {}) {
    super(oauthText(idTokenCodes[check], check), { cause: options.cause, code: idTokenCodes[check] })
    this.check = check
  }
}
/** Whether `error` is an {@link IdTokenError}. */
export const isIdTokenError = guard<IdTokenError>('IdTokenError')

/**
 * The token endpoint refused to exchange the authorization code (`invalid_grant`: used already, expired, or issued to
 * another verifier or redirect URI). Nothing was stored.
 *
 * `error.code`: TL529 ([troubleshooting](https://tokenlife.dev/troubleshooting)).
 */
export class CodeExchangeError extends TokenlifeError {
  /** The error's class name, compared by {@link isCodeExchangeError} (works across realms). */
  override readonly name = 'CodeExchangeError' as const
  /** The HTTP status of the token endpoint's refusal (400, 401). */
  readonly status: number
  /** The OAuth `error` code, e.g. `'invalid_grant'`. */
  readonly error: string
  /** The provider's `error_description`, when it sent one. */
  readonly description: string | undefined

  constructor(status: number, error: string, options: { description?: string; cause?: unknown } = {}) {
    super(oauthText('TL529', error, status, options.description), { cause: options.cause, code: 'TL529' })
    this.status = status
    this.error = error
    this.description = options.description
  }
}
/** Whether `error` is a {@link CodeExchangeError}. */
export const isCodeExchangeError = guard<CodeExchangeError>('CodeExchangeError')

/**
 * A `returnTo` that would leave this origin (an open redirect). Refused before anything was stored.
 *
 * `error.code`: TL530 ([troubleshooting](https://tokenlife.dev/troubleshooting)).
 */
export class ReturnToError extends TokenlifeError {
  /** The error's class name, compared by {@link isReturnToError} (works across realms). */
  override readonly name = 'ReturnToError' as const
  /** The `returnTo` that was refused. */
  readonly returnTo: string
  /** The page's origin, the only one allowed. */
  readonly origin: string

  constructor(returnTo: string, origin: string) {
    super(oauthText('TL530', returnTo, origin), { code: 'TL530' })
    this.returnTo = returnTo
    this.origin = origin
  }
}
/** Whether `error` is a {@link ReturnToError}. */
export const isReturnToError = guard<ReturnToError>('ReturnToError')

/**
 * The provider's metadata could not be had: the discovery document did not load (`transient`: try later) or is not
 * this issuer's, or lacks an endpoint the client needs.
 *
 * `error.code`: TL561 (transient) or TL562 ([troubleshooting](https://tokenlife.dev/troubleshooting)).
 */
export class DiscoveryError extends TokenlifeError {
  /** The error's class name, compared by {@link isDiscoveryError} (works across realms). */
  override readonly name = 'DiscoveryError' as const
  /** The issuer whose metadata could not be had. */
  readonly issuer: string
  /** What went wrong. */
  readonly problem: string

  constructor(issuer: string, problem: string, options: { transient?: boolean; cause?: unknown } = {}) {
    const code = options.transient ? 'TL561' : 'TL562'
    super(oauthText(code, issuer, problem), { cause: options.cause, transient: options.transient === true, code })
    this.issuer = issuer
    this.problem = problem
  }
}
/** Whether `error` is a {@link DiscoveryError}. */
export const isDiscoveryError = guard<DiscoveryError>('DiscoveryError')

/** What went wrong with the DPoP key of a sign-in: `'key-missing'` (TL564) or `'not-bound'` (TL565). */
export type DpopBindingProblem = 'key-missing' | 'not-bound'

const dpopCodes: Record<DpopBindingProblem, OAuthCode> = { 'key-missing': 'TL564', 'not-bound': 'TL565' }

/**
 * A sign-in with `dpop: true` could not bind its tokens: the key its authorization request named (`dpop_jkt`) is gone,
 * or the provider answered with bearer tokens. Nothing was stored; any session is untouched.
 *
 * `error.code`: TL564 or TL565, by `problem` ([troubleshooting](https://tokenlife.dev/troubleshooting)).
 */
export class DpopBindingError extends TokenlifeError {
  /** The error's class name, compared by {@link isDpopBindingError} (works across realms). */
  override readonly name = 'DpopBindingError' as const
  /** Which: `'key-missing'` (the key is gone, TL564) or `'not-bound'` (the provider did not bind the tokens, TL565). */
  readonly problem: DpopBindingProblem

  constructor(problem: DpopBindingProblem) {
    super(oauthText(dpopCodes[problem]), { code: dpopCodes[problem] })
    this.problem = problem
  }
}
/** Whether `error` is a {@link DpopBindingError}. */
export const isDpopBindingError = guard<DpopBindingError>('DpopBindingError')

import { TokenlifeError } from '@tokenlife/core'

// One class per way a sign-in is refused. Each builds its message in one place (its constructor) from the fields it
// carries, has a literal `name`, and an `isXError` guard that compares the name (works across realms).

/** Compares `name` (not the prototype) and `transient`, which every tokenlife error has. */
const guard =
  <T>(name: string) =>
  (error: unknown): error is T =>
    typeof error === 'object' && error !== null && 'transient' in error && (error as { name?: unknown }).name === name

/**
 * The provider answered the authorization request with an error (`error=access_denied`, `login_required`, …): the
 * user cancelled, or the provider would not sign them in. Nothing was stored.
 */
export class AuthorizationError extends TokenlifeError {
  override readonly name = 'AuthorizationError' as const
  /** The OAuth `error` code, e.g. `'access_denied'`. */
  readonly error: string
  /** The provider's `error_description`, when it sent one. */
  readonly description: string | undefined
  /** The provider's `error_uri`, when it sent one. */
  readonly uri: string | undefined

  constructor(error: string, options: { description?: string; uri?: string; cause?: unknown } = {}) {
    super(`tokenlife: the provider refused the sign-in: ${error}${options.description ? ` (${options.description})` : ''}`, options)
    this.error = error
    this.description = options.description
    this.uri = options.uri
  }
}
/** Whether `error` is an {@link AuthorizationError}. */
export const isAuthorizationError = guard<AuthorizationError>('AuthorizationError')

/** What is wrong with a callback's `state`. */
export type CallbackStateProblem = 'missing' | 'mismatch' | 'unknown'

const stateProblems: Record<CallbackStateProblem, string> = {
  missing: 'the callback URL has no `state` parameter',
  mismatch: "the callback's `state` is not the one this tab's sign-in sent (a forged or stale callback)",
  unknown: 'this tab began no sign-in that this callback could answer (no transaction in its sessionStorage)',
}

/**
 * The callback's `state` does not answer a sign-in this tab began: missing, another one than this tab's, or none at
 * all. A forged callback (login CSRF) looks like this. Nothing was stored, and any session is untouched.
 */
export class CallbackStateError extends TokenlifeError {
  override readonly name = 'CallbackStateError' as const
  readonly problem: CallbackStateProblem

  constructor(problem: CallbackStateProblem) {
    super(`tokenlife: refused the sign-in callback: ${stateProblems[problem]}`)
    this.problem = problem
  }
}
/** Whether `error` is a {@link CallbackStateError}. */
export const isCallbackStateError = guard<CallbackStateError>('CallbackStateError')

/** The callback was handled already (a reload, the back button, the URL opened again). Any session is untouched. */
export class CallbackReplayError extends TokenlifeError {
  override readonly name = 'CallbackReplayError' as const

  constructor() {
    super('tokenlife: refused the sign-in callback: it was handled already (reload, back button or the same URL opened again)')
  }
}
/** Whether `error` is a {@link CallbackReplayError}. */
export const isCallbackReplayError = guard<CallbackReplayError>('CallbackReplayError')

/**
 * The callback answers a sign-in another tab began: the transaction (PKCE verifier, nonce) lives in that tab's
 * sessionStorage only. Nothing was stored; the other tab's sign-in can still finish there.
 */
export class OtherTabTransactionError extends TokenlifeError {
  override readonly name = 'OtherTabTransactionError' as const

  constructor() {
    super('tokenlife: refused the sign-in callback: the sign-in began in another tab, which holds its PKCE verifier and nonce')
  }
}
/** Whether `error` is an {@link OtherTabTransactionError}. */
export const isOtherTabTransactionError = guard<OtherTabTransactionError>('OtherTabTransactionError')

/**
 * The callback's `iss` (RFC 9207) names another issuer than this client's, or is missing where the provider says it
 * sends one: a mix-up attack, or a callback meant for another provider. Nothing was stored.
 */
export class IssuerMismatchError extends TokenlifeError {
  override readonly name = 'IssuerMismatchError' as const
  readonly expected: string
  /** The `iss` the callback carried; `undefined` when it carried none. */
  readonly received: string | undefined

  constructor(expected: string, received: string | undefined, options: { cause?: unknown } = {}) {
    super(
      received === undefined
        ? `tokenlife: refused the sign-in callback: no \`iss\` parameter, though ${expected} says it sends one (RFC 9207)`
        : `tokenlife: refused the sign-in callback: \`iss\` is ${received}, expected ${expected} (RFC 9207 mix-up defence)`,
      options,
    )
    this.expected = expected
    this.received = received
  }
}
/** Whether `error` is an {@link IssuerMismatchError}. */
export const isIssuerMismatchError = guard<IssuerMismatchError>('IssuerMismatchError')

/** Which check an ID token failed. */
export type IdTokenCheckName = 'signature' | 'alg' | 'iss' | 'aud' | 'azp' | 'exp' | 'iat' | 'nbf' | 'nonce' | 'auth_time' | 'sub' | 'malformed' | 'missing'

const idTokenChecks: Record<IdTokenCheckName, string> = {
  signature: 'its signature does not verify with a key of the provider’s JWKS',
  alg: 'it is signed with an algorithm the provider does not use for ID tokens (or not signed: `alg: none`)',
  iss: 'its `iss` is not this client’s issuer',
  aud: 'its `aud` does not name this client',
  azp: 'its `azp` does not name this client',
  exp: 'it has expired',
  iat: 'its `iat` is missing or invalid',
  nbf: 'it is not valid yet (`nbf`)',
  nonce: 'its `nonce` is not the one this sign-in sent',
  auth_time: 'the sign-in is older than `max_age` allows',
  sub: 'a refresh returned an ID token for another user (`sub`)',
  malformed: 'it is not a well-formed JWT',
  missing: 'the token endpoint returned none (is `openid` in the scope?)',
}

/**
 * The ID token failed validation (signature from the JWKS, `alg`, `iss`, `aud`, `azp`, `exp`, `iat`, `nonce`, or, on
 * a refresh, the same `sub`). At sign-in nothing is stored; on a refresh the session ends (reason `revoked`).
 */
export class IdTokenError extends TokenlifeError {
  override readonly name = 'IdTokenError' as const
  /** The check it failed. */
  readonly check: IdTokenCheckName

  constructor(check: IdTokenCheckName, options: { cause?: unknown } = {}) {
    super(`tokenlife: refused the ID token: ${idTokenChecks[check]}`, options)
    this.check = check
  }
}
/** Whether `error` is an {@link IdTokenError}. */
export const isIdTokenError = guard<IdTokenError>('IdTokenError')

/**
 * The token endpoint refused to exchange the authorization code (`invalid_grant`: used already, expired, or issued to
 * another verifier or redirect URI). Nothing was stored.
 */
export class CodeExchangeError extends TokenlifeError {
  override readonly name = 'CodeExchangeError' as const
  readonly status: number
  /** The OAuth `error` code, e.g. `'invalid_grant'`. */
  readonly error: string
  readonly description: string | undefined

  constructor(status: number, error: string, options: { description?: string; cause?: unknown } = {}) {
    super(`tokenlife: the token endpoint refused the authorization code (HTTP ${status} ${error}${options.description ? `: ${options.description}` : ''})`, options)
    this.status = status
    this.error = error
    this.description = options.description
  }
}
/** Whether `error` is a {@link CodeExchangeError}. */
export const isCodeExchangeError = guard<CodeExchangeError>('CodeExchangeError')

/** A `returnTo` that would leave this origin (an open redirect). Refused before anything was stored. */
export class ReturnToError extends TokenlifeError {
  override readonly name = 'ReturnToError' as const
  /** The `returnTo` that was refused. */
  readonly returnTo: string
  /** The page's origin, the only one allowed. */
  readonly origin: string

  constructor(returnTo: string, origin: string) {
    super(`tokenlife: returnTo must be on this page's origin (${origin}), got ${JSON.stringify(returnTo)}; pass a path such as '/account'`)
    this.returnTo = returnTo
    this.origin = origin
  }
}
/** Whether `error` is a {@link ReturnToError}. */
export const isReturnToError = guard<ReturnToError>('ReturnToError')

/**
 * The provider's metadata could not be had: the discovery document did not load (`transient`: try later) or is not
 * this issuer's, or lacks an endpoint the client needs.
 */
export class DiscoveryError extends TokenlifeError {
  override readonly name = 'DiscoveryError' as const
  readonly issuer: string
  /** What went wrong. */
  readonly problem: string

  constructor(issuer: string, problem: string, options: { transient?: boolean; cause?: unknown } = {}) {
    super(`tokenlife: no usable OpenID Connect metadata for ${issuer}: ${problem}`, options)
    this.issuer = issuer
    this.problem = problem
  }
}
/** Whether `error` is a {@link DiscoveryError}. */
export const isDiscoveryError = guard<DiscoveryError>('DiscoveryError')

/** What went wrong with the DPoP key of a sign-in. */
export type DpopBindingProblem = 'key-missing' | 'not-bound'

const dpopProblems: Record<DpopBindingProblem, string> = {
  'key-missing': 'the DPoP key this sign-in began with is gone (a logout in another tab deletes every key): sign in again',
  'not-bound': 'the provider answered with tokens not bound to the DPoP key (token_type Bearer): turn DPoP on for this client at the provider',
}

/**
 * A sign-in with `dpop: true` could not bind its tokens: the key its authorization request named (`dpop_jkt`) is gone,
 * or the provider answered with bearer tokens. Nothing was stored; any session is untouched.
 */
export class DpopBindingError extends TokenlifeError {
  override readonly name = 'DpopBindingError' as const
  /** Which: the key is gone, or the provider did not bind the tokens. */
  readonly problem: DpopBindingProblem

  constructor(problem: DpopBindingProblem) {
    super(`tokenlife: refused the sign-in: ${dpopProblems[problem]}`)
    this.problem = problem
  }
}
/** Whether `error` is a {@link DpopBindingError}. */
export const isDpopBindingError = guard<DpopBindingError>('DpopBindingError')

import type { CoreCode } from './diagnostics/codes'
import { diagnosticText } from './diagnostics/diagnostic'

/** Fields every tokenlife error carries. */
export interface TokenlifeErrorOptions {
  /** What caused it (a `fetch` `TypeError`, a parse error, …), as `Error.cause`. */
  cause?: unknown
  /**
   * The code of its troubleshooting entry (`'TL201'`): https://tokenlife.dev/troubleshooting. Set by tokenlife for every
   * error it raises.
   */
  code?: string
}

/**
 * The base class of every error tokenlife throws (options problems aside, which are `TypeError`s). Each subclass
 * has a literal `name`; use the `isXError` guards rather than `instanceof` when errors may cross realms.
 */
export class TokenlifeError extends Error {
  /** The error's class name, compared by the `isXError` guards (works across realms). */
  override readonly name: string = 'TokenlifeError'
  /** Whether retrying later may succeed (the session is kept). */
  readonly transient: boolean
  /**
   * The stable code of this error (`'TL201'`), the same in the development and the production build; its entry on
   * https://tokenlife.dev/troubleshooting says what it means, the likely cause and the fix.
   */
  readonly code: string | undefined

  constructor(message: string, options: TokenlifeErrorOptions & { transient?: boolean } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.transient = options.transient ?? false
    this.code = options.code
  }
}

/** The message and code of a tokenlife error, from the diagnostics table (development) or the code alone. */
const coded = (code: CoreCode, subject: string | undefined, details: unknown[], options: TokenlifeErrorOptions & { transient?: boolean }) =>
  [diagnosticText(code, subject, ...details), { ...options, code }] as const

/** A {@link TokenlifeError} with `code`, its message from the diagnostics table. For tokenlife's own use. */
export const tokenlifeError = (code: CoreCode, options: TokenlifeErrorOptions & { transient?: boolean } = {}): TokenlifeError =>
  new TokenlifeError(...coded(code, undefined, [], options))

/** The request never got an HTTP response: offline, DNS, CORS, connection reset, or it timed out. */
export class NetworkError extends TokenlifeError {
  /** The error's class name, compared by the `isXError` guards (works across realms). */
  override readonly name = 'NetworkError' as const
  /** The URL that could not be reached. */
  readonly url: string
  /** `true` when tokenlife gave up waiting after its own timeout. */
  readonly timedOut: boolean

  constructor(url: string, options: TokenlifeErrorOptions & { timedOut?: boolean } = {}) {
    super(...coded(options.timedOut ? 'TL202' : 'TL201', url, [], { ...options, transient: true }))
    this.url = url
    this.timedOut = options.timedOut ?? false
  }
}

/** The server answered with a status that means "try again later": 5xx, 429, or another unexpected status. */
export class ServerError extends TokenlifeError {
  /** The error's class name, compared by the `isXError` guards (works across realms). */
  override readonly name = 'ServerError' as const
  /** The endpoint the request went to. */
  readonly url: string
  /** The HTTP status of the answer. */
  readonly status: number
  /** How long the server asked us to wait (`Retry-After`), in milliseconds. */
  readonly retryAfterMs: number | undefined

  constructor(url: string, status: number, options: TokenlifeErrorOptions & { retryAfterMs?: number } = {}) {
    super(...coded('TL203', url, [status], { ...options, transient: true }))
    this.url = url
    this.status = status
    this.retryAfterMs = options.retryAfterMs
  }
}

/**
 * A success status with a body tokenlife could not use: not JSON, no `access_token`, or a JWT it cannot decode. Its
 * `code` (TL204–TL211) tells which.
 */
export class InvalidResponseError extends TokenlifeError {
  /** The error's class name, compared by the `isXError` guards (works across realms). */
  override readonly name = 'InvalidResponseError' as const
  /** The endpoint the request went to. */
  readonly url: string
  /** What was wrong with the response. */
  readonly problem: string

  constructor(url: string, problem: string, options: TokenlifeErrorOptions = {}) {
    super(...coded((options.code as CoreCode | undefined) ?? 'TL205', url, [problem], { ...options, transient: true }))
    this.url = url
    this.problem = problem
  }
}

/**
 * The session is over: the server refused the refresh token, or the session ended (logout, or the idle timeout)
 * while a call waited.
 * The client is `unauthenticated` with {@link SessionEndedError.reason}.
 */
export class SessionEndedError extends TokenlifeError {
  /** The error's class name, compared by the `isXError` guards (works across realms). */
  override readonly name = 'SessionEndedError' as const
  /** Why the session ended: `'revoked'`, `'logout'`, `'idle'` or `'no_session'`. */
  readonly reason: 'revoked' | 'logout' | 'idle' | 'no_session'
  /** The HTTP status of the refusal, when a server response ended it. */
  readonly status: number | undefined
  /** The OAuth `error` code of the refusal (e.g. `'invalid_grant'`), when there was one. */
  readonly error: string | undefined
  /** The server's `error_description` (e.g. "refresh token reuse detected"), when there was one. */
  readonly description: string | undefined

  constructor(
    reason: 'revoked' | 'logout' | 'idle' | 'no_session',
    options: TokenlifeErrorOptions & { status?: number; error?: string; description?: string } = {},
  ) {
    const code = reason === 'revoked' ? 'TL212' : reason === 'logout' ? 'TL213' : reason === 'no_session' ? 'TL214' : 'TL222'
    super(...coded(code, undefined, [options.description ?? options.error], options))
    this.reason = reason
    this.status = options.status
    this.error = options.error
    this.description = options.description
  }
}

/** The login endpoint refused the credentials (or answered with another 4xx). The client state is unchanged. */
export class LoginError extends TokenlifeError {
  /** The error's class name, compared by the `isXError` guards (works across realms). */
  override readonly name = 'LoginError' as const
  /** The HTTP status of the answer. */
  readonly status: number
  /** The OAuth-style `error` code, e.g. `'invalid_grant'` or `'invalid_request'`. */
  readonly error: string | undefined
  /** The server's `error_description`, when there was one. */
  readonly description: string | undefined

  constructor(status: number, options: TokenlifeErrorOptions & { error?: string; description?: string } = {}) {
    super(...coded('TL215', undefined, [status, options.description ?? options.error], options))
    this.status = status
    this.error = options.error
    this.description = options.description
  }
}

/**
 * The OAuth 2.0 error codes (RFC 6749 §5.2; `invalid_dpop_proof`, RFC 9449 §5) that mean the client, not the
 * session, is wrong.
 */
export type ConfigurationErrorCode =
  | 'invalid_client'
  | 'unauthorized_client'
  | 'invalid_request'
  | 'unsupported_grant_type'
  | 'invalid_scope'
  | 'invalid_dpop_proof'

/** Kept in both builds: `ConfigurationError.likelyCause` is data an app may show. */
const likelyCauses: Record<ConfigurationErrorCode, string> = {
  invalid_client: 'missing or wrong `oauthClientId`, or the client is not public (auth method `none`)',
  invalid_request: 'missing or wrong `oauthClientId` (a public client sends client_id), or `refreshUrl` is not the token endpoint',
  unauthorized_client: 'the client may not use the refresh_token grant',
  unsupported_grant_type: '`refreshUrl` is not a token endpoint for grant_type=refresh_token',
  invalid_scope: 'a scope this client may not have',
  invalid_dpop_proof: 'a DPoP proof the server refused: a clock far off, a proxy that changes the URL, or no ES256',
}

/** The troubleshooting entry of each configuration error. */
const configurationCodes = {
  invalid_client: 'TL216',
  invalid_request: 'TL217',
  unauthorized_client: 'TL218',
  unsupported_grant_type: 'TL219',
  invalid_scope: 'TL220',
  invalid_dpop_proof: 'TL252',
} as const satisfies Record<ConfigurationErrorCode, CoreCode>

/**
 * The refresh endpoint refused the request because of how the client is configured, not because the session is
 * over (RFC 6749 §5.2: `invalid_client`, `unauthorized_client`, `invalid_request`, `unsupported_grant_type`,
 * `invalid_scope`; RFC 9449: `invalid_dpop_proof`). No retry would help: tokenlife keeps the session and its refresh token, sets `state.error` to
 * this error, logs it once through `environment.error`, and schedules nothing; an explicit `refresh()` tries again.
 *
 * @example
 * ```ts
 * auth.subscribe((state) => {
 *   if (isConfigurationError(state.error)) showBanner(`Sign-in is misconfigured: ${state.error.likelyCause}`)
 * })
 * ```
 */
export class ConfigurationError extends TokenlifeError {
  /** The error's class name, compared by the `isXError` guards (works across realms). */
  override readonly name = 'ConfigurationError' as const
  /** The endpoint that refused the request. */
  readonly url: string
  /** The HTTP status (400 or 401). */
  readonly status: number
  /** The OAuth `error` code. */
  readonly error: ConfigurationErrorCode
  /** The server's `error_description`, when there was one. */
  readonly description: string | undefined
  /** What is most likely wrong, in words a developer can act on. */
  readonly likelyCause: string

  constructor(
    url: string,
    status: number,
    error: ConfigurationErrorCode,
    options: TokenlifeErrorOptions & { description?: string } = {},
  ) {
    const likelyCause = likelyCauses[error]
    const detail = options.description ? `${error}: ${options.description}` : error
    super(...coded(configurationCodes[error], url, [status, detail, likelyCause], options))
    this.url = url
    this.status = status
    this.error = error
    this.description = options.description
    this.likelyCause = likelyCause
  }
}

/** Whether `code` is one of the {@link ConfigurationErrorCode}s. */
export const isConfigurationErrorCode = (code: string | undefined): code is ConfigurationErrorCode =>
  code !== undefined && Object.hasOwn(likelyCauses, code)

/** Compares `name` (not the prototype) so guards work across realms; `transient` tells ours from DOM errors. */
function hasName(error: unknown, name: string): boolean {
  return typeof error === 'object' && error !== null && 'transient' in error && (error as { name?: unknown }).name === name
}

const tokenlifeErrorNames = new Set([
  'TokenlifeError',
  'NetworkError',
  'ServerError',
  'InvalidResponseError',
  'SessionEndedError',
  'LoginError',
  'ConfigurationError',
])

/** Whether `error` is any tokenlife error (works across realms). */
export const isTokenlifeError = (error: unknown): error is TokenlifeError =>
  error instanceof TokenlifeError || [...tokenlifeErrorNames].some((name) => hasName(error, name))
/** Whether `error` is a {@link NetworkError}. */
export const isNetworkError = (error: unknown): error is NetworkError => hasName(error, 'NetworkError')
/** Whether `error` is a {@link ServerError}. */
export const isServerError = (error: unknown): error is ServerError => hasName(error, 'ServerError')
/** Whether `error` is an {@link InvalidResponseError}. */
export const isInvalidResponseError = (error: unknown): error is InvalidResponseError =>
  hasName(error, 'InvalidResponseError')
/** Whether `error` is a {@link SessionEndedError}. */
export const isSessionEndedError = (error: unknown): error is SessionEndedError => hasName(error, 'SessionEndedError')
/** Whether `error` is a {@link LoginError}. */
export const isLoginError = (error: unknown): error is LoginError => hasName(error, 'LoginError')
/** Whether `error` is a {@link ConfigurationError} (works across realms). */
export const isConfigurationError = (error: unknown): error is ConfigurationError => hasName(error, 'ConfigurationError')

/** Fields every tokenlife error carries. */
export interface TokenlifeErrorOptions {
  cause?: unknown
}

/**
 * The base class of every error tokenlife throws (options problems aside, which are `TypeError`s). Each subclass
 * has a literal `name`; use the `isXError` guards rather than `instanceof` when errors may cross realms.
 */
export class TokenlifeError extends Error {
  override readonly name: string = 'TokenlifeError'
  /** Whether retrying later may succeed (the session is kept). */
  readonly transient: boolean

  constructor(message: string, options: TokenlifeErrorOptions & { transient?: boolean } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.transient = options.transient ?? false
  }
}

/** The request never got an HTTP response: offline, DNS, CORS, connection reset, or it timed out. */
export class NetworkError extends TokenlifeError {
  override readonly name = 'NetworkError' as const
  /** The URL that could not be reached. */
  readonly url: string
  /** `true` when tokenlife gave up waiting after its own timeout. */
  readonly timedOut: boolean

  constructor(url: string, options: TokenlifeErrorOptions & { timedOut?: boolean } = {}) {
    super(options.timedOut ? `Request to ${url} timed out` : `Request to ${url} failed: no response`, {
      ...options,
      transient: true,
    })
    this.url = url
    this.timedOut = options.timedOut ?? false
  }
}

/** The server answered with a status that means "try again later": 5xx, 429, or another unexpected status. */
export class ServerError extends TokenlifeError {
  override readonly name = 'ServerError' as const
  readonly url: string
  readonly status: number
  /** How long the server asked us to wait (`Retry-After`), in milliseconds. */
  readonly retryAfterMs: number | undefined

  constructor(url: string, status: number, options: TokenlifeErrorOptions & { retryAfterMs?: number } = {}) {
    super(`Request to ${url} failed with HTTP ${status}`, { ...options, transient: true })
    this.url = url
    this.status = status
    this.retryAfterMs = options.retryAfterMs
  }
}

/** A success status with a body tokenlife could not use: not JSON, no `access_token`, or a JWT it cannot decode. */
export class InvalidResponseError extends TokenlifeError {
  override readonly name = 'InvalidResponseError' as const
  readonly url: string
  /** What was wrong with the response. */
  readonly problem: string

  constructor(url: string, problem: string, options: TokenlifeErrorOptions = {}) {
    super(`Invalid token response from ${url}: ${problem}`, { ...options, transient: true })
    this.url = url
    this.problem = problem
  }
}

/**
 * The session is over: the server refused the refresh token, or the session ended (logout) while a call waited.
 * The client is `unauthenticated` with {@link SessionEndedError.reason}.
 */
export class SessionEndedError extends TokenlifeError {
  override readonly name = 'SessionEndedError' as const
  /** Why the session ended: `'revoked'`, `'logout'` or `'no_session'`. */
  readonly reason: 'revoked' | 'logout' | 'no_session'
  /** The HTTP status of the refusal, when a server response ended it. */
  readonly status: number | undefined
  /** The OAuth `error` code of the refusal (e.g. `'invalid_grant'`), when there was one. */
  readonly error: string | undefined
  /** The server's `error_description` (e.g. "refresh token reuse detected"), when there was one. */
  readonly description: string | undefined

  constructor(
    reason: 'revoked' | 'logout' | 'no_session',
    options: TokenlifeErrorOptions & { status?: number; error?: string; description?: string } = {},
  ) {
    const detail = options.description ?? options.error
    super(`The session has ended (${reason})${detail ? `: ${detail}` : ''}`, options)
    this.reason = reason
    this.status = options.status
    this.error = options.error
    this.description = options.description
  }
}

/** The login endpoint refused the credentials (or answered with another 4xx). The client state is unchanged. */
export class LoginError extends TokenlifeError {
  override readonly name = 'LoginError' as const
  readonly status: number
  /** The OAuth-style `error` code, e.g. `'invalid_grant'` or `'invalid_request'`. */
  readonly error: string | undefined
  readonly description: string | undefined

  constructor(status: number, options: TokenlifeErrorOptions & { error?: string; description?: string } = {}) {
    super(`Login failed with HTTP ${status}${options.description ? `: ${options.description}` : options.error ? `: ${options.error}` : ''}`, options)
    this.status = status
    this.error = options.error
    this.description = options.description
  }
}

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

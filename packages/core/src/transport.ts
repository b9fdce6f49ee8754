import type { TokenClaims } from './authState'
import type { Environment } from './ports'
import { MAX_TOKEN_RESPONSE_BYTES, readBoundedResponse } from './boundedBody'
import {
  ConfigurationError,
  InvalidResponseError,
  isConfigurationErrorCode,
  isInvalidResponseError,
  LoginError,
  NetworkError,
  ServerError,
  SessionEndedError,
} from './errors'
import { MAX_TIMER_MS } from './refreshScheduler'
import { decodeClaims, type TokenResponse } from './tokens'
import type { WireFormat, WireRequest } from './wireFormat'
import { parseChallenge } from './wwwAuthenticate'

/** A token response that passed every check, with what it tells about time. */
export interface TokenExchange {
  token: TokenResponse
  claims: TokenClaims | undefined
  /** Device time when the response arrived. */
  receivedAt: number
  dateHeader: string | null
  /** The answer again, unread (status, headers, body), for a check that works on responses (`validateIdToken`). */
  answer(): Response
}

interface SendOptions {
  timeoutMs: number
  signal?: AbortSignal
}

/**
 * Sends `request` with a timeout and reads its body once, up to {@link MAX_TOKEN_RESPONSE_BYTES}; resolves with a
 * `Response` holding the bytes read. A caller's abort rejects with the signal's reason; a body over the cap with an
 * {@link InvalidResponseError}; anything else that prevents an HTTP response becomes a {@link NetworkError}.
 */
export async function send(env: Environment, request: WireRequest, options: SendOptions): Promise<Response> {
  const controller = new AbortController()
  let timedOut = false
  const timer = env.setTimeout(
    () => {
      timedOut = true
      controller.abort()
    },
    Math.min(options.timeoutMs, MAX_TIMER_MS),
  )
  const onCallerAbort = () => controller.abort(options.signal?.reason)
  options.signal?.addEventListener('abort', onCallerAbort, { once: true })
  // Not every fetch stops reading a body when its signal aborts (mocks, polyfills): race the abort explicitly.
  const aborted = new Promise<never>((_, reject) => {
    controller.signal.addEventListener('abort', () => reject(controller.signal.reason), { once: true })
  })
  try {
    options.signal?.throwIfAborted()
    const response = await Promise.race([env.fetch(request.url, { ...request.init, signal: controller.signal }), aborted])
    // The timeout covers the body too: a server that sends headers and then stalls must not hang the refresh.
    // The body is read once, up to a cap; the caller reads the buffered copy.
    return await Promise.race([readBoundedResponse(request.url, response, MAX_TOKEN_RESPONSE_BYTES), aborted])
  } catch (error) {
    if (options.signal?.aborted) throw options.signal.reason
    if (isInvalidResponseError(error)) throw error
    throw new NetworkError(request.url, { cause: error, timedOut })
  } finally {
    env.clearTimeout(timer)
    options.signal?.removeEventListener('abort', onCallerAbort)
  }
}

/**
 * Sends a request that must be allowed to finish once it has left — a refresh that rotates a one-time refresh
 * token: its answer carries the only copy of the new token (in the body, or in a `Set-Cookie` the browser applies
 * only if the response is received). No timeout and no abort; callers that cannot wait race it against their own
 * deadline and keep reading it afterwards. Resolves with the response, its body buffered; anything that prevents
 * a response becomes a {@link NetworkError}.
 *
 * Sent with `keepalive` (unless the wire format says otherwise): a page closed or reloaded while the request is on
 * the wire no longer cancels it, so the browser still receives the answer and applies its `Set-Cookie`. In cookie
 * mode the rotated refresh token survives the page; in storage mode the body, and the token in it, is lost with
 * the page.
 */
export async function sendToCompletion(env: Environment, request: WireRequest): Promise<Response> {
  try {
    const response = await env.fetch(request.url, { keepalive: true, ...request.init })
    return await readBoundedResponse(request.url, response, MAX_TOKEN_RESPONSE_BYTES)
  } catch (error) {
    if (isInvalidResponseError(error)) throw error
    throw new NetworkError(request.url, { cause: error })
  }
}

async function readJson(response: Response): Promise<{ text: string; json: unknown }> {
  const text = await response.text()
  if (text.trim() === '') return { text, json: undefined }
  try {
    return { text, json: JSON.parse(text) }
  } catch {
    return { text, json: undefined }
  }
}

/** `Retry-After` as milliseconds from now (delta-seconds or an HTTP date judged against the response's `Date`). */
export function parseRetryAfter(response: Response, now: number): number | undefined {
  const value = response.headers.get('Retry-After')
  if (!value) return undefined
  if (/^\d+$/.test(value.trim())) return Number(value) * 1000
  const at = Date.parse(value)
  if (Number.isNaN(at)) return undefined
  const serverNow = Date.parse(response.headers.get('Date') ?? '')
  return Math.max(0, at - (Number.isNaN(serverNow) ? now : serverNow))
}

/**
 * Reads a token endpoint's answer. A usable success resolves; everything else rejects with the error that says
 * what to do about it: {@link SessionEndedError} (refresh refused), {@link ConfigurationError} (refresh refused
 * because the client is misconfigured), {@link LoginError} (login refused), {@link ServerError} (try later) or
 * {@link InvalidResponseError} (malformed success). `refreshTokenMode` matters for one code: in cookie mode an
 * `invalid_request` most often means the backend found no refresh cookie, so it ends the session like
 * `invalid_grant`; in storage mode the request carried a refresh token, so it is a configuration error.
 */
export async function readTokenResponse(
  env: Environment,
  wire: WireFormat,
  url: string,
  response: Response,
  kind: 'refresh' | 'login',
  refreshTokenMode: 'cookie' | 'storage' = 'cookie',
): Promise<TokenExchange> {
  const receivedAt = env.now()
  let body: { text: string; json: unknown }
  try {
    body = await readJson(response)
  } catch (error) {
    throw new NetworkError(url, { cause: error })
  }
  if (response.ok) {
    const answer = () => new Response(body.text, { status: response.status, statusText: response.statusText, headers: response.headers })
    return { ...parseSuccess(wire, url, body), receivedAt, dateHeader: response.headers.get('Date'), answer }
  }

  const { error, description } = body.json === undefined ? {} : wire.parseErrorResponse(body.json)
  const { status } = response
  if (kind === 'refresh') {
    // RFC 6749 §5.2: a 400/401 with an OAuth error code is a refusal that no retry will change; so is a bare 401.
    // Some codes blame the client's configuration rather than the grant: the session is not over, the setup is wrong.
    // Every other code (invalid_grant above all, and codes of non-standard servers) ends the session. Anything else
    // may pass.
    // RFC 9449 §8: the server wants a nonce it gave (the request was retried with it once already). Nothing was
    // used: try again later, like a 503.
    const nonceWanted = error === 'use_dpop_nonce' || parseChallenge(response.headers.get('WWW-Authenticate'), 'dpop')?.error === 'use_dpop_nonce'
    if ((status === 400 || status === 401) && nonceWanted) throw new ServerError(url, status, { retryAfterMs: parseRetryAfter(response, receivedAt) })
    const misconfigured =
      (status === 400 || status === 401) &&
      isConfigurationErrorCode(error) &&
      !(error === 'invalid_request' && refreshTokenMode === 'cookie')
    if (misconfigured) throw new ConfigurationError(url, status, error, { description })
    const refused = (status === 400 || status === 401) && (error !== undefined || (status === 401 && body.text.trim() === ''))
    if (refused) throw new SessionEndedError('revoked', { status, error, description })
  } else if (status >= 400 && status < 500 && status !== 408 && status !== 429) {
    throw new LoginError(status, { error, description })
  }
  throw new ServerError(url, status, { retryAfterMs: parseRetryAfter(response, receivedAt) })
}

/**
 * The rotated refresh token of a success answer tokenlife refused as malformed, kept apart from the error (apps log
 * errors; this is a secret). A rotating refresh token is a one-time secret: whatever else is wrong with the answer,
 * the flight keeps it, so its retry presents the new token, not the one the server already replaced.
 */
const rotatedInRefused = new WeakMap<object, string>()

/** The rotated refresh token of the answer an {@link InvalidResponseError} refused, if it carried one. */
export const rotatedRefreshTokenOf = (error: unknown): string | undefined =>
  typeof error === 'object' && error !== null ? rotatedInRefused.get(error) : undefined

const stringField = (value: unknown, field: string): string | undefined => {
  const found = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[field] : undefined
  return typeof found === 'string' && found !== '' ? found : undefined
}

function parseSuccess(wire: WireFormat, url: string, body: { text: string; json: unknown }): Pick<TokenExchange, 'token' | 'claims'> {
  if (body.json === undefined) throw new InvalidResponseError(url, 'the body is not JSON', { code: 'TL204' })
  let token: TokenResponse | undefined
  let unreadable: unknown
  try {
    token = wire.parseTokenResponse(body.json)
  } catch (error) {
    unreadable = error
  }
  // What the wire format read, or (when it could not read the answer) the standard field.
  const rotated = stringField(token, 'refreshToken') ?? stringField(body.json, 'refresh_token')
  const refused = (problem: string, code: 'TL205' | 'TL206' | 'TL207' | 'TL208' | 'TL209' | 'TL210', cause?: unknown) => {
    const error = new InvalidResponseError(url, problem, { cause, code })
    if (rotated !== undefined) rotatedInRefused.set(error, rotated)
    return error
  }
  if (token === undefined) {
    throw refused(unreadable instanceof Error ? unreadable.message : String(unreadable), 'TL205', unreadable)
  }
  if (typeof token?.accessToken !== 'string' || token.accessToken === '') throw refused('no access_token', 'TL206')
  let claims: TokenClaims | undefined
  try {
    claims = decodeClaims(token.accessToken)
  } catch (error) {
    throw refused('access_token is not a decodable JWT', 'TL207', error)
  }
  if (token.expiresIn === undefined && typeof claims?.exp !== 'number') {
    throw refused('no expiry: neither expires_in nor a JWT exp claim', 'TL208')
  }
  // A token that is dead on arrival would be refreshed again at once, in a loop.
  if (token.expiresIn !== undefined && !(Number.isFinite(token.expiresIn) && token.expiresIn > 0)) {
    throw refused(`expires_in must be a positive number of seconds, got ${token.expiresIn}`, 'TL209')
  }
  if (token.expiresIn === undefined && typeof claims?.iat === 'number' && (claims.exp as number) <= claims.iat) {
    throw refused('the access token expires as it is issued (exp is not after iat)', 'TL210')
  }
  return { token, claims }
}

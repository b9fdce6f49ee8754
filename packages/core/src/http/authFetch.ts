import { invalid } from '../diagnostics/diagnostic'
import type { AuthHost } from './authHost'
import { createRequestAuthorizer, type AuthHttpOptions } from './authorizeRequest'
import { resolveRequestUrl } from '../originPolicy'

/** Bodies `fetch` reads as it sends and that cannot be sent a second time. */
function isOneShotBody(body: unknown): boolean {
  if (typeof body !== 'object' || body === null) return false
  if (typeof ReadableStream !== 'undefined' && body instanceof ReadableStream) return true
  return Symbol.asyncIterator in body
}

/**
 * Decides once where the request goes: a `Request`'s URL is absolute already; a string or `URL` is resolved against
 * the document's base URL, as `fetch` would resolve it. The same absolute URL is then judged and fetched, so a
 * `<base href>` cannot make the two differ. A URL that does not resolve is passed on as given (and never judged
 * allowed).
 */
function resolveInput(input: RequestInfo | URL, base: string | undefined): RequestInfo | URL {
  if (input instanceof Request) return input
  return resolveRequestUrl(input, base)?.href ?? input
}

const discard = (body: ReadableStream | null | undefined): void => {
  body?.cancel().catch(() => {})
}

/**
 * A `fetch` that attaches the access token, for code that uses plain `fetch` (`createAuthHttp` from
 * `@tokenlife/core/ky` does the same for ky). Same arguments, same result:
 *
 * - requests to an allowed origin (the page, the auth endpoints, `allowedOrigins`) wait for a valid access token
 *   and carry `Authorization: Bearer …`; requests to any other origin, requests that set their own
 *   `Authorization`, and every request while there is no session go out untouched;
 * - a 401 to a request that carried the token leads to one refresh, shared by every request refused at the same
 *   time, then one retry with the new token (a second 401 is returned as is). When the refresh ends the session,
 *   the call rejects with `SessionEndedError`;
 * - bodies are resent on the retry: strings, `URLSearchParams`, `FormData`, `Blob`s and buffers as they are, a
 *   `Request`'s body through an unread copy. A `ReadableStream` (or async iterable) body to an allowed origin is
 *   refused up front with a `TypeError`, since it could not be resent;
 * - the caller's `signal` (use `AbortSignal.timeout(ms)` for a timeout) also bounds the wait for a token.
 *
 * Make it once, next to the client.
 *
 * @example
 * ```ts
 * const authFetch = createAuthFetch(auth, { refreshOn: 'invalid-token' })
 * const response = await authFetch('https://api.example.com/orders', {
 *   method: 'POST',
 *   body: JSON.stringify(order),
 *   headers: { 'Content-Type': 'application/json' },
 *   signal: AbortSignal.timeout(10_000),
 * })
 * ```
 *
 * @throws TypeError when an option, or an `allowedOrigins` entry of the client, is invalid.
 */
export function createAuthFetch(auth: AuthHost, options: AuthHttpOptions = {}): typeof fetch {
  return authorizedFetch(auth, options, 'caller')
}

/**
 * Who owns the `Request` objects a fetch function is handed: the app (`'caller'`), whose `Request` is never
 * changed, or ky (`'ky'`: ky's `fetch` option hands over a `Request` it never sends again), whose `Request` gets the
 * header set in place instead of on a copy, which keeps `createAuthHttp` as fast as plain ky.
 */
export type RequestOwner = 'caller' | 'ky'

/** {@link createAuthFetch}'s implementation, also behind `createAuthHttp` (with `'ky'`). */
export function authorizedFetch(auth: AuthHost, options: AuthHttpOptions, requestOwner: RequestOwner): typeof fetch {
  const authorizer = createRequestAuthorizer(auth, options)
  const send = (input: RequestInfo | URL, init?: RequestInit) => auth.ports.fetch(input, init)

  return async function authFetch(given: RequestInfo | URL, init?: RequestInit): Promise<Response> {
    const input = resolveInput(given, auth.ports.baseUrl())
    if (!authorizer.allows(input instanceof Request ? input.url : input)) return send(input, init)
    const owned = requestOwner === 'ky' && input instanceof Request && init?.headers === undefined ? input : undefined
    // Copied as entries: msw's Node interceptor loses headers when a `set()` Headers is copied.
    const headers: [string, string][] = owned ? [] : [...new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined))]
    if (owned ? owned.headers.has('Authorization') : headers.some(([name]) => name === 'authorization')) {
      return send(input, init)
    }
    if (isOneShotBody(init?.body)) {
      invalid('TL403', 'createAuthFetch')
    }
    const signal = init?.signal ?? (input instanceof Request ? input.signal : undefined)
    // A Request's body is read once: keep an unread copy for the retry (init.body, when given, replaces it).
    const spare = input instanceof Request && input.body !== null && init?.body == null ? input.clone() : undefined
    const withCredentials = (target: RequestInfo | URL, credentials: [string, string][]): Promise<Response> => {
      if (owned && target instanceof Request) {
        for (const [name, value] of credentials) target.headers.set(name, value)
        return send(target, init)
      }
      return send(target, { ...init, headers: [...headers, ...credentials] })
    }
    const request = {
      method: (init?.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase(),
      url: input instanceof Request ? input.url : String(input),
    }
    // DPoP: a proof signed for this request; a server that asks for a nonce (and gives it) gets it once more.
    const signed = async (target: RequestInfo | URL, token: string): Promise<Response> => {
      const copy = target instanceof Request && target.body !== null && init?.body == null ? target.clone() : undefined
      const response = await withCredentials(target, await authorizer.credentials(token, request))
      if (!(await authorizer.wantsNonceRetry(request.url, response))) {
        discard(copy?.body)
        return response
      }
      discard(response.body)
      const retried = await withCredentials(copy ?? target, await authorizer.credentials(token, request))
      await authorizer.wantsNonceRetry(request.url, retried)
      return retried
    }
    const sendWith = (target: RequestInfo | URL, token: string): Promise<Response> =>
      auth.dpop ? signed(target, token) : withCredentials(target, [['Authorization', `Bearer ${token}`]])

    let token: string | undefined
    let response: Response
    try {
      token = await authorizer.tokenFor(signal)
      if (token === undefined) {
        discard(spare?.body)
        return send(input, init)
      }
      response = await sendWith(input, token)
    } catch (error) {
      discard(spare?.body)
      throw error
    }
    if (!authorizer.wantsRetry(response)) {
      discard(spare?.body)
      return response
    }
    let next: string
    try {
      next = await authorizer.tokenAfterRejection(token, signal)
    } catch (error) {
      discard(spare?.body)
      throw error
    } finally {
      discard(response.body)
    }
    return sendWith(spare ?? input, next)
  }
}

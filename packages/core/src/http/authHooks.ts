import ky, { TimeoutError, type Hooks, type KyRequest, type NormalizedOptions, type Options } from 'ky'
import type { AuthHost } from './authHost'
import { isTokenlifeError } from '../errors'
import { bearerToken, createRequestAuthorizer, type AuthHttpOptions } from './authorizeRequest'

/** The hooks {@link authHooks} returns; spread them into a ky instance's `hooks`. */
export type AuthHooks = Required<Pick<Hooks, 'beforeRequest' | 'afterResponse' | 'beforeRetry'>>

/** ky passes its whole internal options to hooks; these two are not in its `NormalizedOptions` type. */
type HookOptions = NormalizedOptions & Pick<Options, 'timeout' | 'fetch'>

/**
 * Bounds a wait for a token by ky's `timeout`, failing like ky's own timeout (a `TimeoutError`, not retried unless
 * `retry.retryOnTimeout`).
 */
function withinTimeout<T>(wait: Promise<T>, options: HookOptions, request: Request): Promise<T> {
  const { timeout } = options
  if (typeof timeout !== 'number') return wait
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new TimeoutError(request)), timeout)
    wait.then(resolve, reject).finally(() => clearTimeout(timer))
  })
}

/**
 * ky hooks that give an existing ky instance what {@link createAuthHttp} does:
 *
 * - **before each request** to an allowed origin (the page, the auth endpoints, `allowedOrigins`), wait for a valid
 *   access token (refreshing through the client's single flight if needed) and attach `Authorization: Bearer …`.
 *   Requests to other origins, requests that already have an `Authorization` header, and every request while
 *   there is no session go out untouched. While the client is initializing, requests wait for it.
 * - **on a 401** to a request that carried the token: one refresh shared by every request refused at the same time
 *   (none when another refresh already replaced the refused token), then one retry of the request with the new
 *   token, its body intact. A second 401 is returned as is. When the refresh ends the session, the request
 *   rejects with `SessionEndedError`.
 * - the caller's `signal` and `timeout` bound the wait for a token as they bound the request; the timeout
 *   rejects with ky's `TimeoutError`.
 *
 * Put these hooks first, so later hooks see the final request and response. The `beforeRetry` hook lets
 * tokenlife's errors reach the caller instead of being retried by ky (which retries any error of a `GET`).
 *
 * @example
 * ```ts
 * import ky from 'ky'
 * import { authHooks } from '@tokenlife/core/ky'
 *
 * const hooks = authHooks(auth)
 * export const api = ky.create({
 *   prefixUrl: 'https://api.example.com',
 *   hooks: {
 *     beforeRequest: [...hooks.beforeRequest, addRequestId],
 *     afterResponse: [...hooks.afterResponse],
 *     beforeRetry: [...hooks.beforeRetry],
 *   },
 * })
 * ```
 *
 * @throws TypeError when an option, or an `allowedOrigins` entry of the client, is invalid.
 */
export function authHooks(auth: AuthHost, options: AuthHttpOptions = {}): AuthHooks {
  const authorizer = createRequestAuthorizer(auth, options)
  return {
    beforeRequest: [
      async (request, kyOptions) => {
        if (request.headers.has('Authorization') || !authorizer.allows(request.url)) return
        const token = await withinTimeout(authorizer.tokenFor(kyOptions.signal), kyOptions, request)
        if (token === undefined) return
        const credentials = await authorizer.credentials(token, { method: request.method, url: request.url })
        for (const [name, value] of credentials) request.headers.set(name, value)
      },
    ],
    afterResponse: [
      async (request: KyRequest, kyOptions: HookOptions, response) => {
        const sent = bearerToken(request.headers.get('Authorization'))
        if (sent === undefined || !authorizer.attached(sent)) return
        // `request` is ky's unsent copy: its body is intact and its signal follows the caller's. A retry runs
        // without hooks, so its answer (a second 401 included) comes back as is, never into another refresh.
        // Headers are copied as entries: msw's Node interceptor loses headers when a `set()` Headers is copied.
        const resend = async (token: string) => {
          const credentials = await authorizer.credentials(token, { method: request.method, url: request.url })
          const headers = [...request.headers].filter(([name]) => name !== 'authorization' && name !== 'dpop').concat(credentials)
          const options = { fetch: kyOptions.fetch, timeout: kyOptions.timeout, retry: { ...kyOptions.retry }, throwHttpErrors: false }
          return ky(new Request(request.clone(), { headers }), options)
        }
        let answer = response
        // DPoP: a server that asks for a nonce (and gives it) gets the request once more, with a new proof.
        if (await authorizer.wantsNonceRetry(request.url, answer)) {
          answer = await resend(sent)
          await authorizer.wantsNonceRetry(request.url, answer)
        }
        if (answer.status !== 401 || !authorizer.wantsRetry(answer)) return answer === response ? undefined : answer
        const token = await withinTimeout(authorizer.tokenAfterRejection(sent, kyOptions.signal), kyOptions, request)
        return resend(token)
      },
    ],
    beforeRetry: [
      ({ error }) => {
        if (isTokenlifeError(error)) throw error
      },
    ],
  }
}

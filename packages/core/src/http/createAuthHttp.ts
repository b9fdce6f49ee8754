import ky, { type KyInstance } from 'ky'
import type { AuthHost } from './authHost'
import { isTokenlifeError } from '../errors'
import { authorizedFetch } from './authFetch'
import type { AuthHttpOptions } from './authorizeRequest'

/**
 * A ky instance that sends through `createAuthFetch` (over the client's `environment.fetch`): the same
 * behaviour as {@link authHooks}, at the fetch level, so ky's `timeout` and the caller's `signal` cover the wait for
 * a token, the refresh and the retry alike, and no response is cloned for a hook. tokenlife's errors
 * (`SessionEndedError` above all) are never retried by ky. Make one next to the client and `extend()` it for a
 * `prefixUrl` or hooks (but keep its `fetch`).
 *
 * @example
 * ```ts
 * const api = createAuthHttp(auth, { refreshOn: 'invalid-token' }).extend({ prefixUrl: 'https://api.example.com' })
 * const me = await api.get('me').json<User>()
 * ```
 *
 * @throws TypeError when an option, or an `allowedOrigins` entry of the client, is invalid.
 */
export function createAuthHttp(auth: AuthHost, options: AuthHttpOptions = {}): KyInstance {
  return ky.create({
    fetch: authorizedFetch(auth, options, 'ky'),
    retry: { shouldRetry: ({ error }) => (isTokenlifeError(error) ? false : undefined) },
  })
}

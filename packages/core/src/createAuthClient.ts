import { AuthClient } from './authClient'
import type { AuthClientOptions } from './options'

/**
 * Creates the client that holds one session. Safe to call during server-side rendering: nothing touches `window`,
 * `document` or storage until {@link AuthClient.start} (or another call that needs them). In a browser it reads the
 * document's base URL once, to make relative endpoint URLs absolute (a `<base>` added later cannot move them).
 *
 * @example
 * ```ts
 * import { createAuthClient } from '@tokenlife/core'
 *
 * export const auth = createAuthClient({
 *   refreshUrl: '/auth/refresh', // the refresh token is an httpOnly cookie by default
 *   loginUrl: '/auth/login',
 *   logoutUrl: '/auth/logout',
 * })
 *
 * await auth.start()
 * auth.subscribe((state) => console.log(state.status))
 * const token = await auth.getAccessToken()
 * ```
 *
 * @throws TypeError when an option is invalid or unknown; the message names the option, the value and the fix.
 */
export function createAuthClient(options: AuthClientOptions): AuthClient {
  return new AuthClient(options)
}

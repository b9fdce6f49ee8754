/**
 * `@tokenlife/core/ky`: the ky helpers, apart from the main entry so that an app that does not use ky does not load
 * it. `createAuthHttp(auth)` builds a ky instance that attaches the token to allowed origins and answers a 401 with
 * one shared refresh and one retry; `authHooks(auth)` gives an existing ky instance the same.
 *
 * @example
 * ```ts
 * import { createAuthHttp } from '@tokenlife/core/ky'
 * const http = createAuthHttp(auth)
 * const orders = await http.get('https://api.example.com/orders').json()
 * ```
 */
export { createAuthHttp } from './http/createAuthHttp'
export { authHooks, type AuthHooks } from './http/authHooks'
export type { AuthHttpOptions } from './http/authorizeRequest'
export type { AuthHost } from './http/authHost'

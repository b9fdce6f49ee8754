import { isConfigurationError, type AuthClient, type AuthState } from '@tokenlife/core'

/**
 * The parts of a vue-router route the guard reads. vue-router's routes fit, so `vue-router` stays optional.
 *
 * @example
 * ```ts
 * const isPrivate = (to: GuardedRoute) => to.meta.requiresAuth === true || to.fullPath.startsWith('/admin')
 * ```
 */
export interface GuardedRoute {
  readonly fullPath: string
  readonly meta: Record<PropertyKey, unknown>
}

/**
 * Options of {@link authGuard}. `R` is a vue-router location (a path or `{ name, query }`).
 *
 * @example
 * ```ts
 * const options: AuthGuardOptions<string> = { redirectTo: '/login', requiresAuth: (to) => to.fullPath !== '/login' }
 * router.beforeEach(authGuard(auth, options))
 * ```
 */
export interface AuthGuardOptions<R> {
  /** Where to send a user without a session: a location, or a function of the route they asked for. */
  redirectTo: R | ((to: GuardedRoute) => R)
  /** Which routes need a session. Default: those with `meta.requiresAuth: true` (also set on a parent route). */
  requiresAuth?: (to: GuardedRoute) => boolean
}

/**
 * Resolves with the first state that is not `initializing` (a transient failure keeps it while the client retries),
 * or that carries a `ConfigurationError` (the client will not retry on its own, so waiting would hang the router).
 */
function settled(client: AuthClient): Promise<AuthState> {
  void client.start()
  return new Promise((resolve) => {
    const check = (state: AuthState) => {
      if (state.status === 'initializing' && !isConfigurationError(state.error)) return
      unsubscribe()
      resolve(state)
    }
    const unsubscribe = client.subscribe(check)
    check(client.getState())
  })
}

/**
 * A vue-router navigation guard: on a route that needs a session it waits until the client knows (starting it if
 * needed), then lets a signed-in user through and redirects anyone else. On the server it lets every navigation
 * through (the browser decides after hydration).
 *
 * @example
 * ```ts
 * router.beforeEach(
 *   authGuard(auth, { redirectTo: (to) => ({ path: '/login', query: { redirect: to.fullPath } }) }),
 * )
 * // routes: { path: '/account', component: Account, meta: { requiresAuth: true } }
 * ```
 */
export function authGuard<R>(client: AuthClient, options: AuthGuardOptions<R>): (to: GuardedRoute) => Promise<true | R> {
  const { redirectTo, requiresAuth = (to) => to.meta.requiresAuth === true } = options
  return async (to) => {
    if (typeof window === 'undefined' || !requiresAuth(to)) return true
    if ((await settled(client)).status === 'authenticated') return true
    return typeof redirectTo === 'function' ? (redirectTo as (to: GuardedRoute) => R)(to) : redirectTo
  }
}

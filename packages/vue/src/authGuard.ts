import { isConfigurationError, type AuthClient, type AuthState, type RedirectLogin } from '@tokenlife/core'
import { codedError } from './diagnostics/diagnostic'

/**
 * The parts of a vue-router route the guard reads. vue-router's routes fit, so `vue-router` stays optional.
 *
 * @example
 * ```ts
 * const isPrivate = (to: GuardedRoute) => to.meta.requiresAuth === true || to.fullPath.startsWith('/admin')
 * ```
 */
export interface GuardedRoute {
  /** The path with query and hash, as vue-router's `to.fullPath`. */
  readonly fullPath: string
  /** The route's `meta`, merged from its parents by vue-router (`meta.requiresAuth`). */
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
  /**
   * Where to send a user without a session: a location, or a function of the route they asked for. Without it (or
   * when the function returns `undefined` or `null`) the guard returns `false`: the navigation is cancelled and the
   * user stays where they were. The guard never lets a user without a session through.
   */
  redirectTo?: R | ((to: GuardedRoute) => R | undefined | null)
  /** Which routes need a session. Default: those with `meta.requiresAuth: true` (also set on a parent route). */
  requiresAuth?: (to: GuardedRoute) => boolean
  /**
   * The `OAuthClient` of `@tokenlife/oauth`: a user without a session is sent to the OpenID Connect provider instead
   * of `redirectTo`, and comes back to the route they asked for (`returnTo`: its `fullPath`, a router location; see
   * {@link redirectCallback}). The navigation is cancelled while the page leaves.
   */
  loginWithRedirect?: RedirectLogin
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

const isFunction = (value: unknown): value is (...args: never[]) => unknown => typeof value === 'function'

/** Throws a `TypeError` (TL713) unless `client` looks like an `AuthClient` (the guard calls `start`, `subscribe`, `getState`). */
function checkClient(client: unknown): asserts client is AuthClient {
  const candidate = client as Partial<Record<'start' | 'subscribe' | 'getState', unknown>> | null | undefined
  if (
    typeof candidate !== 'object' ||
    candidate === null ||
    !isFunction(candidate.start) ||
    !isFunction(candidate.subscribe) ||
    !isFunction(candidate.getState)
  ) {
    throw codedError(TypeError, 'TL713', client)
  }
}

/**
 * A vue-router navigation guard: on a route that needs a session it waits until the client knows (starting it if
 * needed), then lets a signed-in user through and sends anyone else to `redirectTo`, or, without one, cancels the
 * navigation (`false`). It denies by default: nothing but an `authenticated` state passes a protected route. On the
 * server it lets every navigation through (the browser decides after hydration).
 *
 * Throws a `TypeError` when `client` is not an `AuthClient`, `options` is not an object, or `requiresAuth` is not a
 * function.
 *
 * @example
 * ```ts
 * router.beforeEach(
 *   authGuard(auth, { redirectTo: (to) => ({ path: '/login', query: { redirect: to.fullPath } }) }),
 * )
 * // routes: { path: '/account', component: Account, meta: { requiresAuth: true } }
 * ```
 */
export function authGuard<R = never>(
  client: AuthClient,
  options: AuthGuardOptions<R> = {},
): (to: GuardedRoute) => Promise<boolean | R> {
  checkClient(client)
  if (typeof options !== 'object' || options === null) throw codedError(TypeError, 'TL714', options)
  const { redirectTo, requiresAuth = (to: GuardedRoute) => to.meta.requiresAuth === true, loginWithRedirect: oauth } = options
  if (!isFunction(requiresAuth)) throw codedError(TypeError, 'TL715', requiresAuth)
  return async (to) => {
    if (typeof window === 'undefined' || !requiresAuth(to)) return true
    if ((await settled(client)).status === 'authenticated') return true
    if (oauth) return oauth.loginWithRedirect({ returnTo: to.fullPath }).then(() => false)
    const target = isFunction(redirectTo) ? (redirectTo as (to: GuardedRoute) => R | undefined | null)(to) : redirectTo
    // Deny by default: a missing redirect (or a function that returned nothing) cancels the navigation.
    return target === undefined || target === null ? false : target
  }
}

import type { AuthClient, AuthState, AuthStateField, AuthStatus, RedirectLogin } from '@tokenlife/core'
import { useContext, useMemo } from 'react'
import { needOAuth, OAuthContext } from './authContext'
import { useAuthClient } from './useAuthClient'
import { useAuthState } from './useAuthState'

/**
 * The client's actions, bound to it; the same functions for the life of the client, so they are safe in effect
 * dependencies.
 *
 * @example
 * ```tsx
 * function SignOut({ logout }: Pick<AuthActions, 'logout'>) {
 *   return <button onClick={() => logout({ everywhere: true })}>Sign out on every device</button>
 * }
 * ```
 */
export interface AuthActions {
  /** Signs in: the client's `login()`. */
  login: AuthClient['login']
  /**
   * Ends the session in every tab, then revokes it: the client's `logout()`; with `<AuthProvider oauth>`, at the
   * provider too (`returnTo`, `endSession`).
   */
  logout: RedirectLogin['logout']
  /** A valid access token, refreshing first if needed: the client's `getAccessToken()`. */
  getAccessToken: AuthClient['getAccessToken']
  /** Signs in at the OpenID Connect provider (`<AuthProvider oauth>`); rejects without one. */
  loginWithRedirect: RedirectLogin['loginWithRedirect']
}

/**
 * What {@link useAuth} returns: the state's fields (`status`, `accessToken`, `claims`, `expiresAt`, `sessionEndsAt`,
 * `reason`, `error`, `user`, `idToken`), the `isAuthenticated` / `isLoading` flags, and the actions. Checking a flag or
 * `status` narrows the rest.
 *
 * @example
 * ```tsx
 * const auth: UseAuthResult = useAuth()
 * if (auth.isAuthenticated) console.log(auth.claims.sub, new Date(auth.expiresAt)) // defined here
 * if (auth.status === 'unauthenticated' && auth.reason === 'revoked') showSessionExpiredBanner()
 * ```
 */
export type UseAuthResult = {
  // One member per status: that state's fields (all present, possibly `undefined`) and its flags, so checking a
  // flag or the status narrows the rest.
  [Status in AuthStatus]: { readonly [K in Exclude<AuthStateField, 'status'>]: Extract<AuthState, { status: Status }>[K] } & {
    /** The state's status: checking it narrows the other fields. */
    readonly status: Status
    /** `status === 'authenticated'`. */
    readonly isAuthenticated: Status extends 'authenticated' ? true : false
    /** `status === 'initializing'`: the client does not know yet. */
    readonly isLoading: Status extends 'initializing' ? true : false
  }
}[AuthStatus] &
  AuthActions

const identity = (state: AuthState) => state

/**
 * The session and the actions that change it. Re-renders on every state change (each refresh brings a new
 * `accessToken`); use `useAuthState(selector)` to re-render less. The returned object is the same until the state
 * changes. Throws when there is no `<AuthProvider>` above.
 *
 * @example
 * ```tsx
 * function Account() {
 *   const { isAuthenticated, user, loginWithRedirect, logout } = useAuth()
 *   if (!isAuthenticated) return <button onClick={() => loginWithRedirect()}>Sign in</button>
 *   return <button onClick={() => logout()}>Sign out {user?.name}</button>
 * }
 * ```
 */
export function useAuth(): UseAuthResult {
  const client = useAuthClient()
  const oauth = useContext(OAuthContext)
  const state = useAuthState(identity)
  const actions = useMemo<AuthActions>(
    () => ({
      login: (credentials) => client.login(credentials),
      logout: (options) => (oauth ?? client).logout(options),
      getAccessToken: (options) => client.getAccessToken(options),
      loginWithRedirect: async (options) => needOAuth(oauth).loginWithRedirect(options),
    }),
    [client, oauth],
  )
  return useMemo(() => {
    const { status, accessToken, claims, expiresAt, sessionEndsAt, reason, error, user, idToken } = state
    const flags = { isAuthenticated: status === 'authenticated', isLoading: status === 'initializing' }
    return { status, accessToken, claims, expiresAt, sessionEndsAt, reason, error, user, idToken, ...flags, ...actions } as UseAuthResult
  }, [state, actions])
}

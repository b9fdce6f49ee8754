import type { AuthClient, AuthState, AuthStateField } from '@tokenlife/core'
import { useContext, useMemo } from 'react'
import { needOAuth, OAuthContext } from './authContext'
import type { RedirectLogin } from '@tokenlife/core'
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
  login: AuthClient['login']
  /** Ends the session in every tab (with `<AuthProvider oauth>`, at the provider too: `returnTo`, `endSession`). */
  logout: RedirectLogin['logout']
  getAccessToken: AuthClient['getAccessToken']
  /** Signs in at the OpenID Connect provider (`<AuthProvider oauth>`); rejects without one. */
  loginWithRedirect: RedirectLogin['loginWithRedirect']
}

/** Each state's fields (all present, possibly `undefined`) plus its flags, so checking a flag narrows the rest. */
type View<S> = S extends AuthState
  ? { readonly [K in AuthStateField]: S[K] } & {
      readonly isAuthenticated: S['status'] extends 'authenticated' ? true : false
      readonly isLoading: S['status'] extends 'initializing' ? true : false
    }
  : never

/**
 * What {@link useAuth} returns: the state's fields (`status`, `accessToken`, `claims`, `expiresAt`, `reason`,
 * `error`, `user`, `idToken`), the `isAuthenticated` / `isLoading` flags, and the actions. Checking a flag or `status` narrows the rest.
 *
 * @example
 * ```tsx
 * const auth: UseAuthResult = useAuth()
 * if (auth.isAuthenticated) console.log(auth.claims.sub, new Date(auth.expiresAt)) // defined here
 * if (auth.status === 'unauthenticated' && auth.reason === 'revoked') showSessionExpiredBanner()
 * ```
 */
export type UseAuthResult = View<AuthState> & AuthActions

const identity = (state: AuthState) => state

/** Every field a state may lack, as `undefined`: the result declares them all, whatever the state holds. */
const absent = { accessToken: undefined, claims: undefined, expiresAt: undefined, reason: undefined, error: undefined, user: undefined, idToken: undefined }

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
  return useMemo(
    () =>
      ({
        ...absent,
        ...state,
        isAuthenticated: state.status === 'authenticated',
        isLoading: state.status === 'initializing',
        ...actions,
      }) as UseAuthResult,
    [state, actions],
  )
}

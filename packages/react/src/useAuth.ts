import type { AuthClient, AuthState, AuthStateField } from '@tokenlife/core'
import { useMemo } from 'react'
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
  logout: AuthClient['logout']
  getAccessToken: AuthClient['getAccessToken']
}

/** Each state's fields (all present, possibly `undefined`) plus its flags, so checking a flag narrows the rest. */
type View<S> = S extends AuthState
  ? { readonly [K in AuthStateField]: S[K] } & {
      readonly isAuthenticated: S['status'] extends 'authenticated' ? true : false
      readonly isLoading: S['status'] extends 'initializing' ? true : false
    }
  : never

/**
 * What {@link useAuth} returns: the state's fields (`status`, `accessToken`, `claims`, `expiresAt`, `sessionEndsAt`,
 * `reason`, `error`), the `isAuthenticated` / `isLoading` flags, and the actions. Checking a flag or `status` narrows the rest.
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

/**
 * The session and the actions that change it. Re-renders on every state change (each refresh brings a new
 * `accessToken`); use `useAuthState(selector)` to re-render less. The returned object is the same until the state
 * changes. Throws when there is no `<AuthProvider>` above.
 *
 * @example
 * ```tsx
 * function Account() {
 *   const { isAuthenticated, claims, login, logout } = useAuth()
 *   if (!isAuthenticated) return <button onClick={() => login({ username, password })}>Sign in</button>
 *   return <button onClick={() => logout()}>Sign out {claims.sub}</button>
 * }
 * ```
 */
export function useAuth(): UseAuthResult {
  const client = useAuthClient()
  const state = useAuthState(identity)
  const actions = useMemo<AuthActions>(
    () => ({
      login: (credentials) => client.login(credentials),
      logout: (options) => client.logout(options),
      getAccessToken: (options) => client.getAccessToken(options),
    }),
    [client],
  )
  return useMemo(() => {
    const { status, accessToken, claims, expiresAt, sessionEndsAt, reason, error } = state
    const flags = { isAuthenticated: status === 'authenticated', isLoading: status === 'initializing' }
    return { status, accessToken, claims, expiresAt, sessionEndsAt, reason, error, ...flags, ...actions } as UseAuthResult
  }, [state, actions])
}

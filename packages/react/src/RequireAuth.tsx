'use client'
import { isConfigurationError, type AuthState } from '@tokenlife/core'
import { useEffect, type ComponentType, type ReactNode } from 'react'
import { useOAuth } from './authContext'
import type { RedirectLoginOptions } from '@tokenlife/core'
import { useAuthState } from './useAuthState'

/**
 * Props of {@link RequireAuth}.
 *
 * @example
 * ```tsx
 * const guard: RequireAuthProps = { fallback: <Navigate to="/login" />, loading: <Spinner /> }
 * <RequireAuth {...guard}><Settings /></RequireAuth>
 * ```
 */
export interface RequireAuthProps {
  /** Rendered when there is a session. */
  children?: ReactNode
  /**
   * Rendered when there is no session: a sign-in form, or a redirect such as `<Navigate to="/login" />`. Also when
   * `start()` met a `ConfigurationError` (the client will not retry on its own, so `loading` would stay forever).
   */
  fallback?: ReactNode
  /** Rendered while the client does not know yet (and on the server). Default: nothing. */
  loading?: ReactNode
  /**
   * Send a signed-out visitor to the OpenID Connect provider (`<AuthProvider oauth>`) and back to this route
   * (`returnTo`: the page's path, query and hash), instead of rendering `fallback`; `loading` shows meanwhile. An
   * object adds `loginWithRedirect` options (`authorizationParams`).
   */
  loginWithRedirect?: boolean | RedirectLoginOptions
}

/** The status, except that a start stuck on a configuration error counts as no session (nothing will change it). */
const selectStatus = (state: AuthState) =>
  state.status === 'initializing' && isConfigurationError(state.error) ? 'unauthenticated' : state.status

/**
 * Renders `children` only for a signed-in user, `fallback` otherwise, and `loading` until the client knows, so a
 * reload never flashes the sign-in page. Re-renders only when the status changes, not on token refreshes.
 *
 * @example
 * ```tsx
 * <RequireAuth fallback={<Navigate to="/login" />} loading={<Spinner />}>
 *   <Dashboard />
 * </RequireAuth>
 * ```
 */
export function RequireAuth({ children, fallback = null, loading = null, loginWithRedirect: redirect }: RequireAuthProps) {
  const status = useAuthState(selectStatus)
  const oauth = redirect ? useOAuth() : null
  useEffect(() => {
    // Once per status (not per options object, which may be new each render): one sign-in.
    // Back to this very page (the OAuth client keeps its path, query and hash); `true` adds no options.
    if (status === 'unauthenticated' && oauth) void oauth.loginWithRedirect(Object.assign({ returnTo: location.href }, redirect))
  }, [status, oauth])
  return <>{status === 'authenticated' ? children : status === 'initializing' || redirect ? loading : fallback}</>
}

/**
 * Wraps `Component` so that it renders only for a signed-in user and sends anyone else to the OpenID Connect provider
 * and back (`<RequireAuth loginWithRedirect>`; `options` are its other props).
 *
 * @example
 * ```tsx
 * const ProtectedSettings = withAuthenticationRequired(Settings, { loading: <Spinner /> })
 * ```
 */
export function withAuthenticationRequired<P extends object>(Component: ComponentType<P>, options?: Omit<RequireAuthProps, 'children'>) {
  return (props: P) => (
    <RequireAuth loginWithRedirect {...options}>
      <Component {...props} />
    </RequireAuth>
  )
}

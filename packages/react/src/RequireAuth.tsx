'use client'
import { isConfigurationError, type AuthState } from '@tokenlife/core'
import type { ReactNode } from 'react'
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
export function RequireAuth({ children, fallback = null, loading = null }: RequireAuthProps) {
  const status = useAuthState(selectStatus)
  return <>{status === 'authenticated' ? children : status === 'initializing' ? loading : fallback}</>
}

import type { RedirectLogin } from '@tokenlife/core'
import { AuthProvider, type AuthProviderProps } from '@tokenlife/react'
import { useEffect, useState, type ReactNode } from 'react'
import { TestAuthClient } from '../client/testAuthClient'
import type { TestAuthClientOptions } from '../client/testClientOptions'
import type { TestSessionState } from '../client/testStates'
import { describe, kitError } from '../diagnostics/kitError'

/**
 * Props of {@link TestAuthProvider}: those of `<AuthProvider>`, with the client made for you in `state` (or given as
 * a {@link TestAuthClient} you drive).
 */
export interface TestAuthProviderProps extends Omit<AuthProviderProps, 'client' | 'oauth'> {
  /** The state to render in. Default `'signed-in'`. Ignored when `client` is given. */
  state?: TestSessionState
  /** Options of the scripted client it makes (user and claims, token lifetime, refresh-token mode, the app's client options). */
  options?: Omit<TestAuthClientOptions, 'state'>
  /** A scripted client of your own (`await createTestAuthClient(…)`), to drive during the test. */
  client?: TestAuthClient
  /**
   * What `loginWithRedirect()` and an OAuth `logout()` call: by default the scripted client's `TestRedirectLogin`
   * (signs in at once, records the calls); `null` for none, as an app without `@tokenlife/oauth` has.
   */
  oauth?: RedirectLogin | null
  /** Rendered until the scripted client has reached its state (default: nothing). */
  loading?: ReactNode
}

/**
 * `<AuthProvider>` around a scripted client in `state`: components under it see what they would see in a browser in
 * that state, through the real `useAuth()`, `useAuthState()` and `<RequireAuth>`. Its children render once the
 * client is there (use `findBy…` queries), or at once with a `client` that is ready already.
 *
 * @example
 * ```tsx
 * render(<TestAuthProvider state="revoked"><Account /></TestAuthProvider>)
 * expect(await screen.findByText('Your session has ended')).toBeTruthy()
 *
 * const session = await createTestAuthClient({ state: 'signed-in' })
 * render(<TestAuthProvider client={session}><Account /></TestAuthProvider>) // rendered signed in, at once
 * await act(() => session.goOffline())
 * ```
 */
export function TestAuthProvider(props: TestAuthProviderProps): ReactNode {
  const { state, options, client, oauth, loading = null, children } = props
  if (client !== undefined && !TestAuthClient.is(client)) throw kitError(TypeError, 'TL809', 'client', describe(client))
  const [session] = useState(() => client ?? new TestAuthClient({ ...options, ...(state === undefined ? {} : { state }) }))
  const [outcome, setOutcome] = useState<{ ready: boolean; error?: unknown }>(() => ({ ready: session.isReady }))
  useEffect(() => {
    if (outcome.ready) return
    let live = true
    session.ready.then(
      () => live && setOutcome({ ready: true }),
      (error: unknown) => live && setOutcome({ ready: false, error }),
    )
    return () => {
      live = false
    }
  }, [session, outcome.ready])
  if (outcome.error !== undefined) throw outcome.error
  if (!outcome.ready) return loading
  return (
    <AuthProvider client={session.auth} {...(oauth === null ? {} : { oauth: oauth ?? session.oauth })}>
      {children}
    </AuthProvider>
  )
}

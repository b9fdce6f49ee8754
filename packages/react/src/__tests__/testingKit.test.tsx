// The binding in every session state, through @tokenlife/testing (the kit's scripted client runs the real engine;
// its <TestAuthProvider> renders this package's <AuthProvider>): so the kit is exercised on every run too.
import { createTestAuthClient, testSessionStates, type TestSessionState } from '@tokenlife/testing'
import { TestAuthProvider } from '@tokenlife/testing/react'
import { act, cleanup, render, screen } from '@testing-library/react'
import { afterEach, describe, expect, it } from 'vitest'
import { RequireAuth, useAuth, useAuthState, useRedirectCallback, withAuthenticationRequired } from '../index'

afterEach(cleanup)

const guarded: Record<TestSessionState, string> = {
  'signed-in': 'dashboard',
  offline: 'dashboard', // a session kept through a network failure is still a session
  unavailable: 'dashboard',
  'signed-out': 'sign-in page',
  revoked: 'sign-in page',
  'logged-out': 'sign-in page',
  misconfigured: 'sign-in page', // start() will not retry: `loading` would stay forever
  loading: 'loading',
  'loading-offline': 'loading', // start() retries when the network is back: not signed out
}

describe('the binding in every state (@tokenlife/testing)', () => {
  it.each(testSessionStates)('<RequireAuth> in %s', async (state) => {
    const session = await createTestAuthClient({ state })
    render(
      <TestAuthProvider client={session}>
        <RequireAuth fallback={<p>sign-in page</p>} loading={<p>loading</p>}>
          <p>dashboard</p>
        </RequireAuth>
      </TestAuthProvider>,
    )
    expect(screen.getByRole('paragraph').textContent).toBe(guarded[state])
  })

  it('useAuth() narrows by status in each state, and follows the engine from one to the next', async () => {
    const session = await createTestAuthClient({ state: 'loading', accessTokenTtl: 60 })
    const seen: string[] = []
    function Probe() {
      const auth = useAuth()
      seen.push(auth.isAuthenticated ? `authenticated ${auth.claims.sub}` : auth.status === 'unauthenticated' ? `unauthenticated ${auth.reason}` : `initializing ${auth.error?.name ?? ''}`.trim())
      return null
    }
    render(
      <TestAuthProvider client={session}>
        <Probe />
      </TestAuthProvider>,
    )
    await act(() => session.finishLoading())
    session.changePassword()
    await act(() => session.advance(60_000))
    expect([...new Set(seen)]).toEqual(['initializing', 'authenticated user-1', 'unauthenticated revoked'])
  })

  it('useAuthState(status) does not re-render on the scheduled refreshes of a long session', async () => {
    const session = await createTestAuthClient({ accessTokenTtl: 60 })
    let renders = 0
    function Status() {
      renders++
      return <p>{useAuthState((state) => state.status)}</p>
    }
    render(
      <TestAuthProvider client={session}>
        <Status />
      </TestAuthProvider>,
    )
    const before = renders
    await act(() => session.advance(10 * 60_000))
    expect(session.server.count('refresh', 'rotated')).toBeGreaterThanOrEqual(12)
    expect(renders).toBe(before)
  })

  it('withAuthenticationRequired() sends a signed-out visitor to sign in by redirect, and renders the page once back', async () => {
    const session = await createTestAuthClient({ state: 'signed-out' })
    const Page = withAuthenticationRequired(() => <p>account</p>, { loading: <p>redirecting</p> })
    render(
      <TestAuthProvider client={session}>
        <Page />
      </TestAuthProvider>,
    )
    expect(await screen.findByText('account')).toBeTruthy()
    expect(session.oauth.calls).toEqual([{ type: 'loginWithRedirect', returnTo: location.href, authorizationParams: undefined }])
  })

  it('useRedirectCallback() resolves with the returnTo of the sign-in', async () => {
    const session = await createTestAuthClient({ state: 'signed-out' })
    await session.oauth.loginWithRedirect({ returnTo: '/settings' })
    function Callback() {
      const { returnTo } = useRedirectCallback()
      return <p>{returnTo ?? 'waiting'}</p>
    }
    render(
      <TestAuthProvider client={session}>
        <Callback />
      </TestAuthProvider>,
    )
    expect(await screen.findByText('/settings')).toBeTruthy()
  })
})

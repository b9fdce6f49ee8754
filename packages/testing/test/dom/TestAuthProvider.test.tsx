import { act, cleanup, fireEvent, render, screen } from '@testing-library/react'
import { createAuthClient, isConfigurationError, isNetworkError, isServerError, RequireAuth, useAuth } from '@tokenlife/react'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createTestAuthClient, testSessionStates } from '../../src/index'
import { TestAuthProvider } from '../../src/react'
import { shown } from './shown'

afterEach(cleanup)

/** What an app's account widget shows in each state: what the tests read. */
function Account() {
  const { status, reason, error, claims, user, logout, loginWithRedirect } = useAuth()
  if (status === 'initializing') return <p>{isNetworkError(error) ? 'Waiting for the network…' : isConfigurationError(error) ? 'Sign-in is unavailable' : 'Loading…'}</p>
  if (status === 'unauthenticated') {
    return (
      <div>
        <p>{reason === 'revoked' ? 'Your session has ended' : reason === 'logout' ? 'You signed out' : 'Please sign in'}</p>
        <button onClick={() => void loginWithRedirect({ returnTo: '/account' })}>Sign in</button>
      </div>
    )
  }
  return (
    <div>
      <p>Signed in as {String(user?.name ?? claims.name)}</p>
      {isNetworkError(error) && <p>You are offline</p>}
      {isServerError(error) && <p>The server is busy</p>}
      <button onClick={() => void logout()}>Sign out</button>
    </div>
  )
}


describe('<TestAuthProvider state>', () => {
  it.each(testSessionStates)('renders the app in %s through the real useAuth()', async (state) => {
    render(
      <TestAuthProvider state={state}>
        <Account />
      </TestAuthProvider>,
    )
    expect(await screen.findByText(shown[state])).toBeTruthy()
  })

  it('renders `loading` until the scripted client is there, then the children in that state', async () => {
    render(
      <TestAuthProvider state="revoked" loading={<p>preparing</p>}>
        <Account />
      </TestAuthProvider>,
    )
    expect(screen.getByText('preparing')).toBeTruthy()
    expect(await screen.findByText('Your session has ended')).toBeTruthy()
    expect(screen.queryByText('preparing')).toBeNull()
  })

  it('with `client`, renders at once and follows what the test scripts', async () => {
    const session = await createTestAuthClient({ user: { claims: { name: 'Grace' } }, accessTokenTtl: 60 })
    render(
      <TestAuthProvider client={session}>
        <RequireAuth fallback={<p>fallback</p>}>
          <Account />
        </RequireAuth>
      </TestAuthProvider>,
    )
    expect(screen.getByText('Signed in as Grace')).toBeTruthy() // no waiting
    await act(() => session.setState('offline')) // offline, and a refresh failed for it
    expect(screen.getByText('You are offline')).toBeTruthy()
    await act(() => session.goOnline())
    await act(() => session.advance(1_000)) // the failed refresh's retry, after its backoff: it succeeds
    expect(screen.queryByText('You are offline')).toBeNull()
    expect(screen.getByText('Signed in as Grace')).toBeTruthy()
    await act(() => session.signOutInAnotherTab())
    expect(screen.getByText('fallback')).toBeTruthy()
  })

  it('user actions go through the engine: sign out, then sign in again by redirect (recorded, no page left)', async () => {
    const session = await createTestAuthClient()
    render(
      <TestAuthProvider client={session}>
        <Account />
      </TestAuthProvider>,
    )
    await act(async () => fireEvent.click(screen.getByText('Sign out')))
    expect(await screen.findByText('You signed out')).toBeTruthy()
    expect(session.server.count('logout', 'logged-out')).toBe(1)
    await act(async () => fireEvent.click(screen.getByText('Sign in')))
    expect(await screen.findByText('Signed in as Ada Lovelace')).toBeTruthy()
    expect(session.oauth.calls.map((call) => call.type)).toEqual(['logout', 'loginWithRedirect'])
    expect(session.oauth.calls[1]).toMatchObject({ returnTo: '/account' })
  })

  it('`oauth={null}`: no OAuth client, as in an app without @tokenlife/oauth (loginWithRedirect rejects with TL703)', async () => {
    let seen: ReturnType<typeof useAuth> | undefined
    function Probe() {
      seen = useAuth()
      return null
    }
    render(
      <TestAuthProvider state="signed-out" oauth={null}>
        <Probe />
      </TestAuthProvider>,
    )
    await vi.waitFor(() => expect(seen?.status).toBe('unauthenticated'))
    await expect(seen!.loginWithRedirect()).rejects.toMatchObject({ code: 'TL703' })
  })

  it('refuses an AuthClient in `client` with a coded TypeError that says what to do', () => {
    vi.spyOn(console, 'error').mockImplementation(() => {})
    const auth = createAuthClient({ refreshUrl: 'http://localhost/auth/refresh' })
    expect(() => render(<TestAuthProvider client={auth as never} />)).toThrow(expect.objectContaining({ code: 'TL809', name: 'TypeError' }))
    vi.restoreAllMocks()
  })
})

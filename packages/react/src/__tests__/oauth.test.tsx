// Sign-in at an OpenID Connect provider through the binding: `user`, `loginWithRedirect`, `<RequireAuth
// loginWithRedirect>`, `withAuthenticationRequired` and `useRedirectCallback`, with an OAuth client by shape (the
// binding loads no OAuth code of its own).
import { mintJwt } from '@tokenlife/test-utils'
import { render, screen } from '@testing-library/react'
import { StrictMode, type ReactNode } from 'react'
import { describe, expect, it, vi } from 'vitest'
import { AuthProvider, RequireAuth, useAuth, useRedirectCallback, withAuthenticationRequired, type RedirectLogin } from '../index'
import { passTime, setup } from './setup'

/** An OAuth client by shape: records what it was asked; its callback resolves with `callback`. */
function fakeOAuth(callback: Promise<{ returnTo: string }> = Promise.resolve({ returnTo: '/account' })) {
  return {
    loginWithRedirect: vi.fn<RedirectLogin['loginWithRedirect']>(async () => {}),
    handleRedirectCallback: vi.fn<RedirectLogin['handleRedirectCallback']>(() => callback),
    logout: vi.fn<RedirectLogin['logout']>(async () => {}),
  }
}

const idToken = mintJwt({ iss: 'https://id.test', aud: 'spa', sub: 'ada', name: 'Ada Lovelace', iat: 1, exp: 4_000_000_000 })

function Who() {
  const { user, idToken: token, loginWithRedirect, logout } = useAuth()
  return (
    <div>
      <p data-testid="who">{user ? `${user.name}|${token === idToken}` : 'nobody'}</p>
      <button onClick={() => void loginWithRedirect({ returnTo: '/x' }).catch((error: Error) => (document.title = error.message))}>in</button>
      <button onClick={() => void logout({ returnTo: '/bye' })}>out</button>
    </div>
  )
}

const withProvider = (auth: Parameters<typeof AuthProvider>[0]['client'], oauth: RedirectLogin | undefined, children: ReactNode) => (
  <AuthProvider client={auth} {...(oauth ? { oauth } : {})}>
    {children}
  </AuthProvider>
)

describe('useAuth() with an OAuth client', () => {
  it('gives the ID token’s claims as `user`, and the ID token', async () => {
    const { env, server, auth } = setup()
    render(withProvider(auth, fakeOAuth(), <Who />))
    await passTime(env)
    const { accessToken, refreshToken } = server.issueSession()
    auth.setTokens({ accessToken, refreshToken, idToken })
    await passTime(env, 10)
    expect(screen.getByTestId('who').textContent).toBe('Ada Lovelace|true')
  })

  it('loginWithRedirect() and logout() go to the OAuth client', async () => {
    const { env, auth } = setup()
    const oauth = fakeOAuth()
    render(withProvider(auth, oauth, <Who />))
    await passTime(env)
    screen.getByText('in').click()
    screen.getByText('out').click()
    expect(oauth.loginWithRedirect).toHaveBeenCalledWith({ returnTo: '/x' })
    expect(oauth.logout).toHaveBeenCalledWith({ returnTo: '/bye' })
  })

  it('without an OAuth client, loginWithRedirect() rejects with an error that names the fix', async () => {
    const { env, auth } = setup()
    render(withProvider(auth, undefined, <Who />))
    await passTime(env)
    screen.getByText('in').click()
    await passTime(env, 10)
    expect(document.title).toMatch(/no <AuthProvider oauth=\{oauth\}>/)
  })
})

describe('<RequireAuth loginWithRedirect> and withAuthenticationRequired', () => {
  it('sends a signed-out visitor to the provider once, back to this page, showing `loading` meanwhile', async () => {
    const { env, auth } = setup()
    const oauth = fakeOAuth()
    window.history.replaceState(null, '', '/orders?page=2#top')
    render(
      withProvider(
        auth,
        oauth,
        <RequireAuth loginWithRedirect={{ authorizationParams: { prompt: 'login' } }} fallback={<p>fallback</p>} loading={<p>loading</p>}>
          <p>orders</p>
        </RequireAuth>,
      ),
    )
    await passTime(env)
    expect(screen.getByRole('paragraph').textContent).toBe('loading')
    expect(oauth.loginWithRedirect).toHaveBeenCalledTimes(1)
    expect(oauth.loginWithRedirect).toHaveBeenCalledWith({ returnTo: `${location.origin}/orders?page=2#top`, authorizationParams: { prompt: 'login' } })
  })

  it('renders the component for a signed-in user and never sends them away', async () => {
    const { env, server, auth } = setup()
    server.issueSession()
    const oauth = fakeOAuth()
    const Orders = withAuthenticationRequired(({ page }: { page: number }) => <p>orders {page}</p>, { loading: <p>loading</p> })
    render(withProvider(auth, oauth, <Orders page={3} />))
    await passTime(env)
    expect(screen.getByRole('paragraph').textContent).toBe('orders 3')
    expect(oauth.loginWithRedirect).not.toHaveBeenCalled()
  })

  it('without an OAuth client it throws the error that names the fix', () => {
    const { auth } = setup()
    vi.spyOn(console, 'error').mockImplementation(() => {})
    expect(() => render(withProvider(auth, undefined, <RequireAuth loginWithRedirect />))).toThrow(/no <AuthProvider oauth=\{oauth\}>/)
  })
})

describe('useRedirectCallback()', () => {
  function Callback() {
    const { returnTo, error } = useRedirectCallback()
    return <p>{error ? `error: ${error.name}` : (returnTo ?? 'pending')}</p>
  }

  it('finishes the sign-in once (StrictMode runs the effect twice: one outcome) and gives returnTo', async () => {
    const { env, auth } = setup()
    const oauth = fakeOAuth()
    render(<StrictMode>{withProvider(auth, oauth, <Callback />)}</StrictMode>)
    expect(screen.getByRole('paragraph').textContent).toBe('pending')
    await passTime(env, 10)
    expect(screen.getByRole('paragraph').textContent).toBe('/account')
    expect(new Set(oauth.handleRedirectCallback.mock.results.map((result) => result.value)).size).toBe(1)
  })

  it('gives the refusal as `error`', async () => {
    const { env, auth } = setup()
    const refused = Object.assign(new Error('replayed'), { name: 'CallbackReplayError' })
    render(withProvider(auth, fakeOAuth(Promise.reject(refused)), <Callback />))
    await passTime(env, 10)
    expect(screen.getByRole('paragraph').textContent).toBe('error: CallbackReplayError')
  })
})

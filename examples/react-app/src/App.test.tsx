// The demo app's screens in each session state, with @tokenlife/testing: the kit's scripted client (the real
// engine, a mock of the reference server's contract) behind the app's own components.
import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react'
import { createTestAuthClient, type TestAuthClient, type TestSessionState } from '@tokenlife/testing'
import { TestAuthProvider } from '@tokenlife/testing/react'
import { http, HttpResponse } from 'msw'
import { setupServer } from 'msw/node'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { App } from './App'

// The protected API, as examples/server answers it: 200 for a valid access token, 401 otherwise.
let session: TestAuthClient | undefined
const api = setupServer(
  http.get('*/api/data', ({ request }) => {
    const check = session!.server.verify(request)
    return check.ok ? HttpResponse.json({ message: `hello ${String(check.claims.email)}` }) : check.response
  }),
)
beforeAll(() => api.listen({ onUnhandledRequest: 'error' }))
afterEach(() => {
  cleanup()
  session?.destroy()
  session = undefined
})
afterAll(() => api.close())

const user = { email: 'demo@tokenlife.dev', password: 'demo-password', claims: { name: 'Demo User' } }

async function renderApp(state: TestSessionState) {
  session = await createTestAuthClient({ state, user, client: { refreshUrl: '/auth/refresh', loginUrl: '/auth/login', logoutUrl: '/auth/logout' } })
  render(
    <TestAuthProvider client={session}>
      <App />
    </TestAuthProvider>,
  )
  return session
}

const pill = () => screen.getByTestId('status-pill').getAttribute('data-status')

describe('the React demo app, state by state', () => {
  it('signed out: the sign-in form, and the sign-in works', async () => {
    await renderApp('signed-out')
    expect(pill()).toBe('unauthenticated')
    expect(screen.getByTestId('signed-out-reason').getAttribute('data-reason')).toBe('no_session')
    fireEvent.change(screen.getByTestId('login-email'), { target: { value: user.email } })
    fireEvent.change(screen.getByTestId('login-password'), { target: { value: 'wrong' } })
    await act(async () => fireEvent.submit(screen.getByTestId('login-form')))
    expect((await screen.findByTestId('login-error')).textContent).toBe('invalid email or password')
    fireEvent.change(screen.getByTestId('login-password'), { target: { value: user.password } })
    await act(async () => fireEvent.submit(screen.getByTestId('login-form')))
    expect((await screen.findByTestId('user-email')).textContent).toBe(user.email)
  })

  it('signed in: who, the token, and the protected API answering 200 through createAuthHttp', async () => {
    await renderApp('signed-in')
    expect(pill()).toBe('authenticated')
    expect(screen.getByTestId('user-name').textContent).toBe('Demo User')
    await waitFor(() => expect(screen.getByTestId('api-status').getAttribute('data-status')).toBe('200'))
    expect(screen.getByTestId('api-result').textContent).toContain(`hello ${user.email}`)
  })

  it('revoked: the sign-in page says the server ended the session', async () => {
    await renderApp('revoked')
    expect(pill()).toBe('unauthenticated')
    expect(screen.getByTestId('signed-out-reason').getAttribute('data-reason')).toBe('revoked')
  })

  it('offline: the session is kept, with the failed refresh shown', async () => {
    await renderApp('offline')
    expect(pill()).toBe('authenticated')
    expect(screen.getByTestId('session-error').textContent).toMatch(/^Last refresh failed: .+\. Retrying; the session is kept\.$/)
  })

  it('loading (the first refresh on the wire): the loading card, then the dashboard', async () => {
    const loading = await renderApp('loading')
    expect(screen.getByTestId('loading')).toBeTruthy()
    await act(() => loading.finishLoading())
    expect(screen.getByTestId('user-email').textContent).toBe(user.email)
  })

  it('a password changed elsewhere ends the session at its next refresh; changing it here keeps this one', async () => {
    const signedIn = await renderApp('signed-in')
    fireEvent.change(screen.getByTestId('change-password-current'), { target: { value: user.password } })
    fireEvent.change(screen.getByTestId('change-password-new'), { target: { value: 'a-new-password' } })
    await act(async () => fireEvent.submit(screen.getByTestId('change-password-form')))
    await waitFor(() => expect(screen.getByTestId('change-password-result').getAttribute('data-outcome')).toBe('success'))
    await act(() => signedIn.advance(5 * 60_000)) // refreshes on the new session's token: granted
    expect(pill()).toBe('authenticated')
    signedIn.changePassword() // now from another device
    await act(() => signedIn.advance(5 * 60_000))
    expect(screen.getByTestId('signed-out-reason').getAttribute('data-reason')).toBe('revoked')
  })
})

// @vitest-environment node
import { renderToString } from 'react-dom/server'
import { describe, expect, it, vi } from 'vitest'
import { AuthProvider, createAuthClient, RequireAuth, useAuth } from '../index'

function Header() {
  const { status, isLoading } = useAuth()
  return <header>{`${status}:${String(isLoading)}`}</header>
}

describe('server-side rendering', () => {
  it('renders to a string without `window`, as `initializing`, and never starts the client', () => {
    expect(typeof window).toBe('undefined')
    const fetch = vi.fn<typeof globalThis.fetch>()
    // The real browser environment (only `fetch` spied on): creating and rendering must not touch browser globals.
    const auth = createAuthClient({ refreshUrl: 'https://auth.test/auth/refresh', environment: { fetch } })
    const subscribe = vi.spyOn(auth, 'subscribe')

    const html = renderToString(
      <AuthProvider client={auth}>
        <Header />
        <RequireAuth fallback={<p>sign in</p>} loading={<p>loading</p>}>
          <p>dashboard</p>
        </RequireAuth>
      </AuthProvider>,
    )

    expect(html).toBe('<header>initializing:true</header><p>loading</p>')
    expect(fetch).not.toHaveBeenCalled()
    expect(subscribe).not.toHaveBeenCalled()
    expect(auth.getState().status).toBe('initializing')
  })

  it('renders `initializing` even when the client already holds a session, so hydration matches', () => {
    const auth = createAuthClient({ refreshUrl: 'https://auth.test/auth/refresh', environment: { fetch: vi.fn() } })
    auth.setTokens({ accessToken: 'opaque-token', expiresIn: 300 })
    expect(auth.getState().status).toBe('authenticated')

    const html = renderToString(
      <AuthProvider client={auth}>
        <Header />
      </AuthProvider>,
    )
    expect(html).toBe('<header>initializing:true</header>')
    auth.destroy()
  })
})

import { act } from '@testing-library/react'
import { hydrateRoot } from 'react-dom/client'
import { renderToString } from 'react-dom/server'
import { describe, expect, it, vi } from 'vitest'
import { AuthProvider, useAuth, type AuthClient } from '../index'
import { passTime, setup } from './setup'

function Header() {
  const { status, claims } = useAuth()
  return <header>{`${status}:${String(claims?.jti ?? '')}`}</header>
}

const app = (auth: AuthClient) => (
  <AuthProvider client={auth}>
    <Header />
  </AuthProvider>
)

describe('hydration', () => {
  it('hydrates server HTML without a mismatch, then shows the session the browser holds', async () => {
    const { env, server, auth } = setup()
    server.issueSession()
    void auth.start()
    await passTime(env)
    expect(auth.getState().status).toBe('authenticated') // before hydration, unlike the server

    const container = document.createElement('div')
    container.innerHTML = renderToString(app(auth))
    expect(container.textContent).toBe('initializing:')
    document.body.append(container)

    const onRecoverableError = vi.fn()
    const root = await act(async () => hydrateRoot(container, app(auth), { onRecoverableError }))
    expect(onRecoverableError).not.toHaveBeenCalled()
    expect(container.textContent).toBe('authenticated:at-2')
    act(() => root.unmount())
    container.remove()
  })
})

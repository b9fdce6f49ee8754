import { act, fireEvent, render, screen } from '@testing-library/react'
import { StrictMode, type ReactNode } from 'react'
import { describe, expect, it, vi } from 'vitest'
import { AuthProvider } from '../index'
import { passTime, setup, Status } from './setup'

const statusText = () => screen.getByTestId('status').textContent

describe('<AuthProvider>', () => {
  it('starts the client on mount and renders the session as it starts, refreshes and ends', async () => {
    const { env, server, auth } = setup()
    server.issueSession()
    render(
      <AuthProvider client={auth}>
        <Status />
      </AuthProvider>,
    )
    expect(statusText()).toBe('initializing||')
    await passTime(env)
    expect(statusText()).toBe('authenticated||at-2')
    expect(server.stats.refreshRequests).toBe(1)

    await passTime(env, 50_000) // the scheduled refresh
    expect(server.stats.refreshRequests).toBe(2)
    expect(statusText()).toBe('authenticated||at-3')

    fireEvent.click(screen.getByText('sign out'))
    expect(statusText()).toBe('unauthenticated|logout|') // at once, before the server answers
    await passTime(env)
    expect(server.stats.logouts).toHaveLength(1)
  })

  it('renders a sign-in from no session to a session', async () => {
    const { env, server, auth } = setup()
    render(
      <AuthProvider client={auth}>
        <Status />
      </AuthProvider>,
    )
    await passTime(env)
    expect(statusText()).toBe('unauthenticated|no_session|')
    fireEvent.click(screen.getByText('sign in'))
    await passTime(env)
    expect(server.stats.loginRequests).toBe(1)
    expect(statusText()).toBe('authenticated||at-1')
  })

  it('renders a logout made in another tab', async () => {
    const { env, server, auth, openTab } = setup()
    server.issueSession()
    render(
      <AuthProvider client={auth}>
        <Status />
      </AuthProvider>,
    )
    await passTime(env)
    expect(statusText()).toBe('authenticated||at-2')

    const otherTab = openTab()
    void otherTab.auth.start() // its app starts it; it takes the session from this tab, not the server
    await passTime(env)
    expect(otherTab.auth.getState().status).toBe('authenticated')
    await act(() => otherTab.auth.logout())
    await passTime(env)
    expect(statusText()).toBe('unauthenticated|logout|')
    // This tab learnt it from the other tab: it sent neither a refresh nor a logout of its own.
    expect(server.stats.refreshRequests).toBe(1)
    expect(server.stats.logouts).toHaveLength(1)
  })

  it('under StrictMode makes one refresh, holds no lock, and one subscription, wake listener and timer', async () => {
    const { env, server, auth, hub, locks, subscriptions } = setup()
    server.issueSession()
    const view = render(
      <StrictMode>
        <AuthProvider client={auth}>
          <Status />
        </AuthProvider>
      </StrictMode>,
    )
    await passTime(env)
    expect(statusText()).toBe('authenticated||at-2')
    expect(server.stats.refreshRequests).toBe(1)
    expect(subscriptions()).toBe(1)
    expect(env.wakeListenerCount).toBe(1)
    expect(env.pendingTimers).toBe(1) // the next refresh
    expect(hub.openPorts).toBe(1)
    expect(locks.isHeld('tokenlife:default:refresh')).toBe(false)

    view.unmount()
    expect(subscriptions()).toBe(0)

    // Remount (a route change, HMR): the client is already started, so still one refresh and one of each.
    render(
      <StrictMode>
        <AuthProvider client={auth}>
          <Status />
        </AuthProvider>
      </StrictMode>,
    )
    await passTime(env)
    expect(statusText()).toBe('authenticated||at-2')
    expect(server.stats.refreshRequests).toBe(1)
    expect(subscriptions()).toBe(1)
    expect(env.wakeListenerCount).toBe(1)
    expect(env.pendingTimers).toBe(1)
    expect(hub.openPorts).toBe(1)
  })

  it('never destroys the client it was given: after unmount it keeps its session, and the next provider uses it', async () => {
    const { env, server, auth, hub, subscriptions } = setup()
    server.issueSession()
    const running = () => [env.pendingTimers, env.wakeListenerCount, hub.openPorts, subscriptions()]
    const view = render(
      <AuthProvider client={auth}>
        <Status />
      </AuthProvider>,
    )
    await passTime(env)
    expect(running()).toEqual([1, 1, 1, 1]) // the refresh timer, wake-ups, the channel, the component

    view.unmount()
    expect(running()).toEqual([1, 1, 1, 0]) // only the component's subscription ends
    expect(auth.getState().status).toBe('authenticated')
    await passTime(env, 50_000) // the client still refreshes on schedule
    expect(server.stats.refreshRequests).toBe(2)
    await expect(auth.getAccessToken()).resolves.toBe(server.stats.issued[2])

    const again = render(
      <AuthProvider client={auth}>
        <Status />
      </AuthProvider>,
    )
    expect(statusText()).toBe('authenticated||at-3') // at once: the client is already started
    await passTime(env)
    expect(server.stats.refreshRequests).toBe(2)
    again.unmount()

    auth.destroy() // the app created the client, so the app releases it
    expect(running()).toEqual([0, 0, 0, 0])
  })

  it('two providers given one client: unmounting one leaves the other rendering the session', async () => {
    const { env, server, auth } = setup()
    server.issueSession()
    const one = render(
      <AuthProvider client={auth}>
        <Status />
      </AuthProvider>,
    )
    const other = document.createElement('div')
    document.body.append(other)
    render(
      <AuthProvider client={auth}>
        <Status />
      </AuthProvider>,
      { container: other },
    )
    await passTime(env)
    expect(server.stats.refreshRequests).toBe(1) // start() is idempotent
    one.unmount()
    await passTime(env, 50_000)
    expect(other.textContent).toContain('authenticated||at-3')
    auth.destroy()
  })

  it('given the client under the wrong prop name (auth=), throws a TypeError naming the client prop', () => {
    const { auth } = setup()
    const WrongProp = AuthProvider as unknown as (props: Record<string, unknown>) => ReactNode
    const renderIt = (props: Record<string, unknown>) => () =>
      render(
        <WrongProp {...props}>
          <Status />
        </WrongProp>,
      )
    const silenced = vi.spyOn(console, 'error').mockImplementation(() => {}) // React reports the render error too
    try {
      expect(renderIt({ auth })).toThrow(TypeError)
      expect(renderIt({ auth })).toThrow(
        'tokenlife: <AuthProvider> needs the AuthClient in its `client` prop, got undefined. The prop is called ' +
          '`client`, not `auth`. Write <AuthProvider client={auth}> (auth = createAuthClient({ ... })).',
      )
      expect(renderIt({})).toThrow(/`client` prop, got undefined\. Write <AuthProvider client=\{auth\}>/)
      expect(renderIt({ client: { start: () => {} } })).toThrow(/got an object that is not an AuthClient/)
      expect(renderIt({ authClient: auth })).toThrow(/got undefined\. authClient is not a prop of <AuthProvider>/)
    } finally {
      silenced.mockRestore()
    }
    expect(auth.getState().status).toBe('initializing') // nothing was started
  })
})

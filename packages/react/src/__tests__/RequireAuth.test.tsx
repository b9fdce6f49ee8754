import { act, render, screen } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { AuthProvider, RequireAuth } from '../index'
import { passTime, setup } from './setup'

function App({ auth }: { auth: Parameters<typeof AuthProvider>[0]['client'] }) {
  return (
    <AuthProvider client={auth}>
      <RequireAuth fallback={<p>please sign in</p>} loading={<p>loading</p>}>
        <p>dashboard</p>
      </RequireAuth>
    </AuthProvider>
  )
}

const shown = () => screen.getByRole('paragraph').textContent

describe('<RequireAuth>', () => {
  it('shows `loading` until the client knows, then the children for a signed-in user', async () => {
    const { env, server, auth } = setup()
    server.issueSession()
    render(<App auth={auth} />)
    expect(shown()).toBe('loading') // not the fallback: a reload must not flash (or redirect to) the sign-in page
    await passTime(env)
    expect(shown()).toBe('dashboard')
  })

  it('shows the fallback, not `loading` forever, when start() meets a ConfigurationError', async () => {
    const { env, server, auth } = setup()
    server.issueSession()
    server.respondNextRefresh(() => Response.json({ error: 'invalid_client' }, { status: 401 }))
    render(<App auth={auth} />)
    await passTime(env)
    expect(auth.getState()).toMatchObject({ status: 'initializing', error: { name: 'ConfigurationError' } })
    expect(shown()).toBe('please sign in')
    expect(server.stats.refreshRequests).toBe(1)
  })

  it('shows the fallback when there is no session, and switches on sign-in and logout', async () => {
    const { env, auth } = setup()
    render(<App auth={auth} />)
    await passTime(env)
    expect(shown()).toBe('please sign in')

    await act(() => auth.login({ username: 'ada', password: 'secret' }))
    expect(shown()).toBe('dashboard')

    await act(() => auth.logout())
    expect(shown()).toBe('please sign in')
  })

  it('renders nothing by default while loading or signed out', async () => {
    const { env, auth } = setup()
    const view = render(
      <AuthProvider client={auth}>
        <RequireAuth>
          <p>dashboard</p>
        </RequireAuth>
      </AuthProvider>,
    )
    expect(view.container.innerHTML).toBe('')
    await passTime(env)
    expect(auth.getState().status).toBe('unauthenticated')
    expect(view.container.innerHTML).toBe('')
  })
})

import { act, render, screen } from '@testing-library/react'
import { StrictMode, useState } from 'react'
import { hydrateRoot } from 'react-dom/client'
import { renderToString } from 'react-dom/server'
import { describe, expect, it, vi } from 'vitest'
import { AuthProvider, useAuthState, type AuthState } from '../index'
import { passTime, setup, Status } from './setup'

const selectStatus = (state: AuthState) => state.status

describe('useAuthState(selector)', () => {
  it('re-renders only when the selected value changes', async () => {
    const { env, server, auth } = setup()
    server.issueSession()
    const renders = { selector: 0, useAuth: 0 }
    function OnlyStatus() {
      renders.selector++
      return <p data-testid="only-status">{useAuthState(selectStatus)}</p>
    }
    render(
      <AuthProvider client={auth}>
        <OnlyStatus />
        <Status onRender={() => renders.useAuth++} />
      </AuthProvider>,
    )
    await passTime(env)
    expect(screen.getByTestId('only-status').textContent).toBe('authenticated')
    expect(renders).toEqual({ selector: 2, useAuth: 2 })

    await passTime(env, 3 * 50_000) // three refreshes: new tokens, same status
    expect(server.stats.refreshRequests).toBe(4)
    expect(renders).toEqual({ selector: 2, useAuth: 5 })

    await act(() => auth.logout())
    expect(screen.getByTestId('only-status').textContent).toBe('unauthenticated')
    expect(renders).toEqual({ selector: 3, useAuth: 6 })
  })

  it('with isEqual, keeps returning the same object while an inline selector yields equal ones', async () => {
    const { env, server, auth } = setup()
    server.issueSession()
    const seen: { sub: unknown }[] = []
    let bump: () => void = () => {}
    function User() {
      const [tick, setTick] = useState(0)
      bump = () => setTick(tick + 1)
      const user = useAuthState(
        (state) => ({ sub: state.claims?.sub }),
        (a, b) => a.sub === b.sub,
      )
      seen.push(user)
      return <p data-testid="user">{String(user.sub)}</p>
    }
    render(
      <AuthProvider client={auth}>
        <User />
      </AuthProvider>,
    )
    await passTime(env)
    expect(screen.getByTestId('user').textContent).toBe('user-1')
    const rendersSignedIn = seen.length

    await passTime(env, 50_000) // a refresh: same user, so no re-render
    expect(server.stats.refreshRequests).toBe(2)
    expect(seen.length).toBe(rendersSignedIn)

    act(() => bump()) // a re-render of its own: same object, though the selector is new
    expect(seen.length).toBe(rendersSignedIn + 1)
    expect(seen.at(-1)).toBe(seen.at(-2))
  })

  it('caches what a selector builds: a new object per call does not loop, and StrictMode renders agree', async () => {
    const { env, server, auth } = setup()
    server.issueSession()
    const selectUser = (state: AuthState) => ({ sub: state.claims?.sub }) // a new object every call, no isEqual
    const seen: { sub: unknown }[] = []
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {})
    function User() {
      const user = useAuthState(selectUser)
      seen.push(user)
      return <p data-testid="user">{String(user.sub)}</p>
    }
    try {
      render(
        <StrictMode>
          <AuthProvider client={auth}>
            <User />
          </AuthProvider>
        </StrictMode>,
      )
      await passTime(env)
      expect(screen.getByTestId('user').textContent).toBe('user-1')
      const signedIn = seen.length
      expect(signedIn).toBe(4) // initializing and authenticated, each rendered twice by StrictMode
      expect(seen[1]).toBe(seen[0]) // StrictMode's second render gets the same object
      expect(seen[3]).toBe(seen[2])

      await passTime(env, 50_000) // a refresh: a new state, so a new object (Object.is), one render (twice)
      expect(server.stats.refreshRequests).toBe(2)
      expect(seen.length).toBe(signedIn + 2)
      expect(errors).not.toHaveBeenCalled() // no "The result of getSnapshot should be cached", no update loop
    } finally {
      errors.mockRestore()
    }
  })

  it('applies a new selector at once, though the state did not change', async () => {
    const { env, server, auth } = setup()
    server.issueSession()
    let pick: (field: 'status' | 'sub') => void = () => {}
    function Field() {
      const [field, setField] = useState<'status' | 'sub'>('status')
      pick = setField
      const value = useAuthState((state) => (field === 'status' ? state.status : state.claims?.sub))
      return <p data-testid="field">{String(value)}</p>
    }
    render(
      <AuthProvider client={auth}>
        <Field />
      </AuthProvider>,
    )
    await passTime(env)
    expect(screen.getByTestId('field').textContent).toBe('authenticated')
    act(() => pick('sub'))
    expect(screen.getByTestId('field').textContent).toBe('user-1')
    act(() => pick('status'))
    expect(screen.getByTestId('field').textContent).toBe('authenticated')
  })

  it('selects from serverState on the server and while hydrating, then from the client state', async () => {
    const { env, server, auth } = setup()
    server.issueSession()
    void auth.start()
    await passTime(env)
    const selected: string[] = []
    function Sub() {
      const sub = useAuthState((state) => `${state.status}:${String(state.claims?.sub ?? '')}`)
      selected.push(sub)
      return <p>{sub}</p>
    }
    const app = (
      <AuthProvider client={auth}>
        <Sub />
      </AuthProvider>
    )
    const container = document.createElement('div')
    container.innerHTML = renderToString(app)
    expect(container.textContent).toBe('initializing:')
    document.body.append(container)
    const onRecoverableError = vi.fn()
    const root = await act(async () => hydrateRoot(container, app, { onRecoverableError }))
    expect(onRecoverableError).not.toHaveBeenCalled()
    expect(container.textContent).toBe('authenticated:user-1')
    expect(selected).toEqual(['initializing:', 'initializing:', 'authenticated:user-1'])
    act(() => root.unmount())
    container.remove()
  })
})

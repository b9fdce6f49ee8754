import { act, render, screen } from '@testing-library/react'
import { useState } from 'react'
import { describe, expect, it } from 'vitest'
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
})

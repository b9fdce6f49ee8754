import { act, render, screen } from '@testing-library/react'
import { useState } from 'react'
import { describe, expect, expectTypeOf, it, vi } from 'vitest'
import { AuthProvider, isLoginError, useAuth, type UseAuthResult } from '../index'
import { passTime, setup, Status } from './setup'

describe('useAuth()', () => {
  it('exposes the state, its flags and working actions', async () => {
    const { env, server, auth } = setup()
    let seen: UseAuthResult | undefined
    function Probe() {
      seen = useAuth()
      return null
    }
    render(
      <AuthProvider client={auth}>
        <Probe />
      </AuthProvider>,
    )
    expect(seen).toMatchObject({ status: 'initializing', isLoading: true, isAuthenticated: false })
    await passTime(env)
    expect(seen).toMatchObject({ status: 'unauthenticated', reason: 'no_session', isLoading: false, isAuthenticated: false })

    const refused = seen!.login({ username: 'ada', password: 'wrong' }).catch((error: unknown) => error)
    await passTime(env)
    expect(isLoginError(await refused)).toBe(true)
    expect(seen!.status).toBe('unauthenticated')

    await act(async () => {
      await seen!.login({ username: 'ada', password: 'secret' })
    })
    expect(seen).toMatchObject({ status: 'authenticated', isAuthenticated: true, isLoading: false, reason: undefined })
    expect(seen!.accessToken).toBe(server.stats.issued[0])
    expect(seen!.claims).toMatchObject({ sub: 'user-1', jti: 'at-1' })
    expect(seen!.expiresAt).toBe(env.now() + 60_000)
    if (seen!.isAuthenticated) expectTypeOf(seen!.accessToken).toEqualTypeOf<string>() // the flag narrows
    await expect(seen!.getAccessToken()).resolves.toBe(server.stats.issued[0])

    expect(seen!.sessionEndsAt).toBeUndefined() // the fake server does not say when the session ends
    act(() => {
      auth.setTokens({ accessToken: server.stats.issued[0]!, refreshExpiresIn: 3_600 })
    })
    expect(seen!.sessionEndsAt).toBe(env.now() + 3_600_000)

    await act(() => seen!.logout())
    expect(seen).toMatchObject({ status: 'unauthenticated', reason: 'logout', accessToken: undefined, sessionEndsAt: undefined })
    await expect(seen!.getAccessToken()).rejects.toThrow()
  })

  it('returns the same object until the state changes, and the same actions for the life of the client', async () => {
    const { env, server, auth } = setup()
    server.issueSession()
    const results: UseAuthResult[] = []
    let rerender: () => void = () => {}
    function Probe() {
      const [, setTick] = useState(0)
      rerender = () => setTick((tick) => tick + 1)
      results.push(useAuth())
      return null
    }
    render(
      <AuthProvider client={auth}>
        <Probe />
      </AuthProvider>,
    )
    await passTime(env)
    const before = results.length
    const signedIn = results.at(-1)!
    expect(signedIn.status).toBe('authenticated')

    act(() => rerender()) // a re-render for a reason of its own
    expect(results.length).toBe(before + 1)
    expect(results.at(-1)).toBe(signedIn)

    await passTime(env, 50_000) // a refresh: a new token, so a new object
    const refreshed = results.at(-1)!
    expect(refreshed).not.toBe(signedIn)
    expect(refreshed.accessToken).not.toBe(signedIn.accessToken)
    expect(refreshed.login).toBe(signedIn.login)
    expect(refreshed.logout).toBe(signedIn.logout)
    expect(refreshed.getAccessToken).toBe(signedIn.getAccessToken)
  })

  it('outside <AuthProvider> throws an error that says how to fix it', () => {
    const silence = vi.spyOn(console, 'error').mockImplementation(() => {})
    expect(() => render(<Status />)).toThrow(/wrap your app in <AuthProvider client=\{auth\}>/)
    silence.mockRestore()
    expect(screen.queryByTestId('status')).toBeNull()
  })
})

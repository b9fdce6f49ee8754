import { flush, mintAccessToken, mintJwt, runFor, spyStorage } from '@tokenlife/test-utils'
import { describe, expect, it, vi } from 'vitest'
import { isLoginError, LoginError, TokenlifeError, type AuthState } from '../index'
import { setup } from './setup'

/** A promise the test resolves when it chooses. */
function gate() {
  let open!: () => void
  const opened = new Promise<void>((resolve) => (open = resolve))
  return { opened, open }
}

describe('state store', () => {
  it('starts initializing; a subscriber sees each change once, as the very object getState() returns', async () => {
    const { env, server, auth, states } = setup()
    expect(auth.getState()).toEqual({ status: 'initializing' })
    server.issueSession()
    await auth.start()
    await runFor(env, 45_000)
    expect(states.map((state) => state.status)).toEqual(['authenticated', 'authenticated'])
    expect(states[0]?.accessToken).not.toBe(states[1]?.accessToken)
    expect(states.at(-1)).toBe(auth.getState())
  })

  it('getState() returns the same object until the state changes', async () => {
    const { env, server, auth } = setup()
    server.issueSession()
    await auth.start()
    const before = auth.getState()
    expect(auth.getState()).toBe(before)
    env.wake('focus') // nothing due: nothing changes
    await auth.getAccessToken()
    await runFor(env, 10_000)
    expect(auth.getState()).toBe(before)
    await runFor(env, 35_000)
    expect(auth.getState()).not.toBe(before)
  })

  it('start() is idempotent: every call returns the same promise and makes no further request', async () => {
    const { server, auth } = setup()
    server.issueSession()
    const first = auth.start()
    expect(auth.start()).toBe(first)
    await first
    await auth.start()
    expect(server.stats.refreshRequests).toBe(1)
  })

  it('subscribe() returns an unsubscribe function, and is bound so it can be passed around', async () => {
    const { env, server, auth } = setup()
    const { subscribe } = auth
    const seen: AuthState[] = []
    const unsubscribe = subscribe((state) => seen.push(state))
    server.issueSession()
    await auth.start()
    expect(seen).toHaveLength(1)
    unsubscribe()
    await runFor(env, 45_000)
    expect(seen).toHaveLength(1)
  })

  it('a subscriber that throws does not stop the others (and is reported with a warning)', async () => {
    const { env, server, auth } = setup()
    const after = vi.fn()
    auth.subscribe(() => {
      throw new Error('render failed')
    })
    auth.subscribe(after)
    server.issueSession()
    await auth.start()
    expect(after).toHaveBeenCalledOnce()
    expect(env.warnings.join('\n')).toContain('render failed')
  })
})

describe('destroy()', () => {
  it('releases every timer and wake listener; nothing happens afterwards', async () => {
    const { env, server, auth, states } = setup()
    server.issueSession()
    await auth.start()
    expect(env.pendingTimers).toBeGreaterThan(0)
    expect(env.wakeListenerCount).toBe(1)
    auth.destroy()
    expect(env.pendingTimers).toBe(0)
    expect(env.wakeListenerCount).toBe(0)
    env.sleep(3_600_000)
    env.wake('visible')
    await runFor(env, 3_600_000)
    expect(server.stats.refreshRequests).toBe(1)
    expect(states).toHaveLength(1)
  })

  it('a refresh on the wire at destroy: its callers get an error, its answer is read but not adopted, no timer is left', async () => {
    const { env, server, auth, states } = setup()
    server.issueSession()
    await auth.start()
    const response = gate()
    server.respondNextRefresh(async (_request, proceed) => {
      await response.opened
      return proceed()
    })
    const refreshing = auth.refresh()
    refreshing.catch(() => {})
    await flush()
    auth.destroy()
    response.open()
    await expect(refreshing).rejects.toBeInstanceOf(TokenlifeError)
    await flush()
    expect(env.pendingTimers).toBe(0)
    expect(env.wakeListenerCount).toBe(0)
    expect(states).toHaveLength(1)
  })

  it('makes every later call fail with an error that says what to do', async () => {
    const { auth } = setup()
    auth.destroy()
    auth.destroy()
    await expect(auth.start()).rejects.toThrow(/destroyed; create a new one/)
    await expect(auth.getAccessToken()).rejects.toThrow(/destroyed/)
    await expect(auth.refresh()).rejects.toThrow(/destroyed/)
    await expect(auth.login({})).rejects.toThrow(/destroyed/)
    expect(() => auth.setTokens({ accessToken: 'opaque', expiresIn: 60 })).toThrow(/destroyed/)
  })
})

describe('login()', () => {
  it('signs in: the state becomes authenticated and the token is refreshed on time', async () => {
    const { env, server, auth, states, events } = setup()
    await auth.start()
    const state = await auth.login({ username: 'ada', password: 'secret' })
    expect(state).toBe(auth.getState())
    expect(state).toMatchObject({ status: 'authenticated', accessToken: server.stats.issued.at(-1), claims: { sub: 'user-1' } })
    expect(states.map((seen) => seen.status)).toEqual(['unauthenticated', 'authenticated'])
    expect(events).toContainEqual(expect.objectContaining({ type: 'session-started', source: 'login' }))
    await runFor(env, 45_000)
    expect(server.stats.refreshRequests).toBe(2)
    expect(auth.getState().accessToken).toBe(server.stats.issued.at(-1))
  })

  it('rejects with a LoginError when the server refuses, and leaves the state exactly as it was', async () => {
    const { server, auth, states } = setup()
    server.issueSession()
    await auth.start()
    const before = auth.getState()
    const error = await auth.login({ username: 'ada', password: 'wrong' }).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(LoginError)
    expect(isLoginError(error)).toBe(true)
    expect(error).toMatchObject({ status: 401, error: 'invalid_grant', description: 'wrong password', transient: false })
    expect(auth.getState()).toBe(before)
    expect(states).toHaveLength(1)
  })

  it('waits for a refresh on the wire (its answer cannot overwrite the new session), then the login wins', async () => {
    const { env, server, auth } = setup()
    server.issueSession()
    await auth.start()
    const response = gate()
    server.respondNextRefresh(async (_request, proceed) => {
      await response.opened
      return proceed()
    })
    const refreshing = auth.refresh()
    await flush()
    const loggingIn = auth.login({ username: 'ada', password: 'secret' })
    await flush()
    expect(server.stats.loginRequests).toBe(0)
    response.open()
    const refreshed = await refreshing
    const loggedIn = await loggingIn
    expect(server.stats.loginRequests).toBe(1)
    expect(loggedIn.accessToken).toBe(server.stats.issued.at(-1))
    expect(refreshed.accessToken).not.toBe(loggedIn.accessToken)
    expect(auth.getState()).toBe(loggedIn)
    // A new phase: due halfway through the login token's 4.8–48 s window (random 0.5), not at once.
    await runFor(env, 26_399)
    expect(auth.getState()).toBe(loggedIn)
  })

  it('needs loginUrl', async () => {
    const { auth } = setup({ loginUrl: undefined })
    await expect(auth.login({ password: 'secret' })).rejects.toThrow(/`loginUrl`/)
  })
})

describe('setTokens()', () => {
  it('adopts a JWT without a request and refreshes it on time', async () => {
    const { env, server, auth, states } = setup()
    const accessToken = mintAccessToken(env.now(), 60)
    const state = auth.setTokens({ accessToken })
    expect(state).toMatchObject({ status: 'authenticated', accessToken, expiresAt: env.now() + 60_000 })
    expect(states).toEqual([state])
    expect(server.stats.refreshRequests).toBe(0)
    expect(await auth.getAccessToken()).toBe(accessToken)
    // setTokens() begins a new phase: due halfway through the token's 4.8–48 s window (random 0.5).
    await runFor(env, 26_399)
    expect(server.stats.refreshRequests).toBe(0)
    server.issueSession()
    await runFor(env, 1)
    expect(server.stats.refreshRequests).toBe(1)
  })

  it('adopts an opaque token with expiresIn, and stores the refresh token in storage mode', async () => {
    const storage = spyStorage()
    const { env, auth } = setup({ refreshToken: 'storage', storage })
    const state = auth.setTokens({ accessToken: 'opaque-token', refreshToken: 'rt-external', expiresIn: 300 })
    expect(state).toMatchObject({ status: 'authenticated', accessToken: 'opaque-token', claims: {}, expiresAt: env.now() + 300_000 })
    await runFor(env, 0)
    expect(storage.values.get('tokenlife:default:refresh_token')).toBe('rt-external')
  })

  it.each([
    ['nothing', undefined],
    ['null', null],
    ['no accessToken', {}],
    ['an empty accessToken', { accessToken: '' }],
    ['a number', { accessToken: 42 }],
    ['a JWT that does not decode', { accessToken: 'eyJ.broken.sig', expiresIn: 60 }],
    ['an opaque token without expiresIn', { accessToken: 'opaque' }],
    ['a JWT without exp or expiresIn', { accessToken: mintJwt({ sub: 'user-1' }) }],
    ['a negative expiresIn', { accessToken: 'opaque', expiresIn: -1 }],
    ['a string expiresIn', { accessToken: 'opaque', expiresIn: '60' }],
    ['an empty refreshToken', { accessToken: 'opaque', expiresIn: 60, refreshToken: '' }],
  ])('throws a TypeError for %s and changes nothing', async (_label, input) => {
    const storage = spyStorage()
    const { env, server, auth, states } = setup({ refreshToken: 'storage', storage })
    server.issueSession()
    await auth.login({ username: 'ada', password: 'secret' })
    await runFor(env, 0)
    const before = auth.getState()
    const stored = new Map(storage.values)
    expect(() => auth.setTokens(input as never)).toThrow(TypeError)
    await runFor(env, 0)
    expect(auth.getState()).toBe(before)
    expect(states).toHaveLength(1)
    expect(storage.values).toEqual(stored)
    expect(server.stats.refreshRequests).toBe(0)
  })

  it('replaces a session (and drops a refresh in flight)', async () => {
    const { env, server, auth } = setup()
    server.issueSession()
    await auth.start()
    const response = gate()
    server.respondNextRefresh(async (_request, proceed) => {
      await response.opened
      return proceed()
    })
    const refreshing = auth.refresh()
    await flush()
    const state = auth.setTokens({ accessToken: mintAccessToken(env.now(), 600) })
    response.open()
    expect(await refreshing).toBe(state)
    await flush()
    expect(auth.getState()).toBe(state)
  })
})

describe('getAccessToken() with very short-lived tokens', () => {
  it('does not refresh on every call when the lifetime is below minValidityMs', async () => {
    const { server, auth } = setup({ lifetime: 4 })
    server.issueSession()
    await auth.start()
    expect(server.stats.refreshRequests).toBe(1)
    for (let i = 0; i < 5; i++) await auth.getAccessToken()
    expect(server.stats.refreshRequests).toBe(1)
  })
})

// @vitest-environment node
import { createAuthFetch, idleTimeout, isNetworkError, isServerError, type AuthEvent, type AuthState } from '@tokenlife/core'
import { http, HttpResponse } from 'msw'
import { setupServer } from 'msw/node'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestAuthClient, testSessionStates, tokenlifeHandlers, type TestSessionState } from '../../src/index'

const api = setupServer(http.get('http://localhost/api/me', ({ request }) => HttpResponse.json({ authorization: request.headers.get('Authorization') })))
beforeAll(() => api.listen({ onUnhandledRequest: 'error' }))
afterAll(() => api.close())

const types = (events: AuthEvent[]) => events.map((event) => event.type)

/** Signed in, and no transient failure on record. */
function expectSignedIn(state: AuthState): void {
  expect([state.status, state.error]).toEqual(['authenticated', undefined])
}

describe('createTestAuthClient(): the real engine, put in a state at once', () => {
  const expected: Record<TestSessionState, object> = {
    'signed-in': { status: 'authenticated' },
    'signed-out': { status: 'unauthenticated', reason: 'no_session' },
    loading: { status: 'initializing' },
    'loading-offline': { status: 'initializing', error: { name: 'NetworkError' } },
    misconfigured: { status: 'initializing', error: { name: 'ConfigurationError' } },
    offline: { status: 'authenticated', error: { name: 'NetworkError' } },
    unavailable: { status: 'authenticated', error: { name: 'ServerError', status: 503 } },
    revoked: { status: 'unauthenticated', reason: 'revoked' },
    'logged-out': { status: 'unauthenticated', reason: 'logout' },
  }

  for (const refreshToken of ['cookie', 'storage'] as const) {
    it.each(testSessionStates)(`%s (${refreshToken} mode), through the server as a browser would`, async (state) => {
      const session = await createTestAuthClient({ state, refreshToken })
      expect(session.auth.getState()).toMatchObject(expected[state])
      if (state === 'signed-in' || state === 'loading') expect(session.auth.getState().error).toBeUndefined()
      expect(session.isReady).toBe(true)
      const refreshes = session.server.requests.filter((record) => record.endpoint === 'refresh')
      if (state === 'signed-out') expect(refreshes.length).toBe(refreshToken === 'cookie' ? 1 : 0) // storage mode: nothing stored, nothing to send
      if (state === 'revoked') expect(refreshes.at(-1)).toMatchObject({ status: 400, outcome: 'revoked' })
      if (state === 'unavailable') expect(refreshes.at(-1)).toMatchObject({ status: 503 })
      if (state === 'logged-out') expect(session.server.requests.at(-1)).toMatchObject({ endpoint: 'logout', outcome: 'logged-out' })
      if (state === 'loading') expect(session.heldRefresh?.hasArrived).toBe(true)
    })
  }

  it('signs in the user it is given, with their claims (and an ID token when asked)', async () => {
    const session = await createTestAuthClient({ user: { email: 'grace@example.com', id: 'grace', claims: { name: 'Grace Hopper', role: 'admin' } }, idToken: true })
    expect(session.auth.getState()).toMatchObject({
      claims: { sub: 'grace', email: 'grace@example.com', name: 'Grace Hopper', role: 'admin' },
      user: { sub: 'grace', name: 'Grace Hopper' },
    })
    expect(session.auth.getState().idToken).toMatch(/^ey/)
  })
})

describe('scripting what happens next', () => {
  it('advance(): the scheduled refresh happens at 80 % of the lifetime, on the fake clock only', async () => {
    const session = await createTestAuthClient({ accessTokenTtl: 300 })
    const started = session.now()
    const first = session.auth.getState().accessToken
    await session.advance(239_000)
    expect(session.server.count('refresh')).toBe(1) // the start's
    await session.advance(1_000)
    expect(session.server.count('refresh', 'rotated')).toBe(2)
    expect(session.auth.getState().accessToken).not.toBe(first)
    expect(session.auth.getState().expiresAt).toBe(started + 240_000 + 300_000)
  })

  it("advance(): the app's own spreadRatio puts the first refresh at a random point of the window again", async () => {
    const session = await createTestAuthClient({ accessTokenTtl: 300, client: { timing: { spreadRatio: 0.9 } } })
    // The scripted browser's random() is 0: the earliest point of the window, 10 % of the steady 240 s.
    await session.advance(23_000)
    expect(session.server.count('refresh', 'rotated')).toBe(1)
    await session.advance(1_000)
    expect(session.server.count('refresh', 'rotated')).toBe(2)
  })

  it('activity(): activity in any tab keeps every tab signed in; none signs them all out as idle, with one revocation', async () => {
    const session = await createTestAuthClient({ accessTokenTtl: 60, client: { idle: idleTimeout({ timeoutMs: 120_000, warnMs: 30_000 }) } })
    const tab = await session.openTab()
    await session.advance(100_000)
    expect(session.auth.idle.getState()).toMatchObject({ status: 'warning', remainingMs: 20_000 })
    expect(tab.auth.idle.getState().status).toBe('warning')
    tab.activity() // the user types in the other tab: the warning goes in both
    await session.settle()
    expect([session.auth.idle.getState().status, tab.auth.idle.getState().status]).toEqual(['active', 'active'])
    await session.advance(100_000) // 200 s after the sign-in: past the first deadline
    expectSignedIn(session.auth.getState())
    await session.activity()
    await session.advance(119_000)
    expectSignedIn(tab.auth.getState())
    await session.advance(1_000)
    expect(session.auth.getState()).toMatchObject({ status: 'unauthenticated', reason: 'idle' })
    expect(tab.auth.getState()).toMatchObject({ status: 'unauthenticated', reason: 'idle' })
    expect(session.server.count('logout')).toBe(1)
    expect(types(session.events)).toContain('idle-warning')
  })

  it('sleep(): a laptop that slept past the expiry refreshes as soon as it wakes', async () => {
    const session = await createTestAuthClient({ accessTokenTtl: 60 })
    await session.sleep(2 * 3600_000)
    expect(session.server.count('refresh', 'rotated')).toBe(2)
    expectSignedIn(session.auth.getState())
    expect(session.auth.getState().expiresAt).toBe(session.now() + 60_000)
    expect(session.events).toContainEqual({ type: 'wake', cause: 'visible' })
  })

  it('goOffline() / goOnline(): the due refresh waits for the network, then goes at once; API calls fail meanwhile', async () => {
    const session = await createTestAuthClient({ accessTokenTtl: 60 })
    const authFetch = createAuthFetch(session.auth)
    expect(await (await authFetch('http://localhost/api/me')).json()).toEqual({ authorization: `Bearer ${session.auth.getState().accessToken}` })
    await session.goOffline()
    await expect(authFetch('http://localhost/api/me')).rejects.toThrow(TypeError)
    await session.advance(60_000)
    expect(session.server.count('refresh')).toBe(1) // nothing was sent offline
    await session.goOnline()
    expect(session.server.count('refresh', 'rotated')).toBe(2)
    expectSignedIn(session.auth.getState())
  })

  it('signOutInAnotherTab(): the session ends here at once (logout), and the server revoked it', async () => {
    const session = await createTestAuthClient({ refreshToken: 'storage' })
    await session.signOutInAnotherTab()
    expect(session.auth.getState()).toMatchObject({ status: 'unauthenticated', reason: 'logout' })
    expect(session.server.activeSessions()).toEqual([])
    expect(types(session.events)).toContain('session-ended')
  })

  it('openTab(): another tab shares the session without a refresh of its own; a refresh in one reaches the other', async () => {
    const session = await createTestAuthClient()
    const tab = await session.openTab()
    expect(tab.auth.getState().accessToken).toBe(session.auth.getState().accessToken)
    expect(session.server.count('refresh')).toBe(1)
    await tab.auth.refresh()
    await session.settle()
    expect(session.auth.getState().accessToken).toBe(tab.auth.getState().accessToken)
    await session.advance(10 * 60_000) // both tabs' schedules: one refresh at a time, never a reuse
    expect(session.server.count('refresh', 'reuse')).toBe(0)
    tab.close()
  })

  it('revokeSession() and changePassword(): the session ends as revoked at its next refresh, not before', async () => {
    for (const change of ['revokeSession', 'changePassword'] as const) {
      const session = await createTestAuthClient({ accessTokenTtl: 60 })
      session[change]()
      expect(session.auth.getState().status).toBe('authenticated')
      await session.advance(60_000)
      expect(session.auth.getState()).toMatchObject({ status: 'unauthenticated', reason: 'revoked' })
      expect(session.server.requests.at(-1)!.outcome).toBe(change === 'revokeSession' ? 'revoked' : 'version_changed')
    }
  })

  it('server switches: a 503 keeps the session and retries after Retry-After; a slow answer arrives on the fake clock', async () => {
    const session = await createTestAuthClient({ accessTokenTtl: 60 })
    session.server.failNextRefresh('unavailable', { retryAfterSeconds: 5 })
    await session.advance(48_000)
    expect(isServerError(session.auth.getState().error)).toBe(true)
    await session.advance(5_000)
    expectSignedIn(session.auth.getState())

    session.server.delayNextRefresh(3_000)
    const before = session.server.count('refresh', 'rotated')
    const refreshed = session.auth.refresh()
    await session.advance(2_999)
    expect(session.server.count('refresh', 'rotated')).toBe(before)
    await session.advance(1)
    await refreshed
    expect(session.server.count('refresh', 'rotated')).toBe(before + 1)
  })

  it('setState(): moves through the real transitions, and back to signed-in', async () => {
    const session = await createTestAuthClient()
    await session.setState('offline')
    expect(isNetworkError(session.auth.getState().error)).toBe(true)
    await session.setState('signed-in')
    expectSignedIn(session.auth.getState())
    expect(session.online).toBe(true)
    await session.setState('revoked')
    await session.setState('signed-in') // signs in again through the login endpoint
    expect(session.server.count('login', 'signed-in')).toBe(1)
    await session.setState('unavailable')
    await session.setState('logged-out')
    expect(session.auth.getState()).toMatchObject({ status: 'unauthenticated', reason: 'logout' })
    await expect(session.setState('signed-out')).rejects.toMatchObject({ code: 'TL805' })
  })

  it("finishLoading(): the 'loading' state's refresh is answered when the test says", async () => {
    const session = await createTestAuthClient({ state: 'loading' })
    await session.advance(5_000)
    expect(session.auth.getState().status).toBe('initializing')
    await session.finishLoading()
    expect(session.auth.getState().status).toBe('authenticated')

    const refused = await createTestAuthClient({ state: 'loading' })
    await refused.finishLoading('invalid_grant')
    expect(refused.auth.getState()).toMatchObject({ status: 'unauthenticated', reason: 'no_session' })
    await expect((await createTestAuthClient()).finishLoading()).rejects.toMatchObject({ code: 'TL808' })
  })

  it('shares a mock server with msw: the same sessions and switches answer the scripted client and the app', async () => {
    const server = tokenlifeHandlers({ users: [{ email: 'ada@example.com', password: 'correct-horse' }] })
    const session = await createTestAuthClient({ server, state: 'signed-in' })
    expect(server.activeSessions()).toHaveLength(1)
    server.revokeSessions()
    await session.auth.refresh().catch(() => {})
    expect(session.auth.getState().reason).toBe('revoked')
  })

  it('the app’s client options are the client’s (endpoints, namespace), and the server answers those endpoints', async () => {
    const session = await createTestAuthClient({ client: { refreshUrl: '/api/session/refresh', loginUrl: '/api/session/login', logoutUrl: '/api/session/logout', namespace: 'shop' } })
    expect(session.server.requests[0]).toMatchObject({ endpoint: 'refresh', status: 200 })
    expect(session.server.endpoints.refresh).toBe('/api/session/refresh')
    await session.setState('logged-out')
    expect(session.server.requests.at(-1)).toMatchObject({ endpoint: 'logout', status: 200 })
  })

  it('refuses bad input with coded errors', async () => {
    await expect(createTestAuthClient({ state: 'authenticated' as never })).rejects.toMatchObject({ code: 'TL804', name: 'TypeError' })
    await expect(createTestAuthClient({ refreshToken: 'memory' as never })).rejects.toMatchObject({ code: 'TL807' })
    await expect(createTestAuthClient({ stat: 'signed-in' } as never)).rejects.toMatchObject({ code: 'TL807' })
    const session = await createTestAuthClient()
    await expect(session.advance(-1)).rejects.toMatchObject({ code: 'TL807' })
    // Client options that do not fit the mock server: the kit says so instead of leaving the test in another state.
    await expect(createTestAuthClient({ client: { wireFormat: { parseTokenResponse: () => ({ accessToken: '' }) } } })).rejects.toMatchObject({ code: 'TL806' })
  })
})

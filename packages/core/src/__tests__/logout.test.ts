import { flush, mintAccessToken, runFor, spyStorage } from '@tokenlife/test-utils'
import { http, HttpResponse } from 'msw'
import { describe, expect, it, vi } from 'vitest'
import type { UnauthenticatedReason } from '../index'
import { mswServer, setup } from './setup'

/** A promise the test resolves when it chooses. */
function gate() {
  let open!: () => void
  const opened = new Promise<void>((resolve) => (open = resolve))
  return { opened, open }
}

/** A signed-in client in storage mode, with the refresh token and the access token persisted in spies. */
async function signedIn(options: Parameters<typeof setup>[0] = {}) {
  const storage = spyStorage('indexedDB')
  const persisted = spyStorage('sessionStorage')
  const context = setup({ refreshToken: 'storage', storage, persistAccessToken: persisted, ...options })
  await context.auth.start()
  await context.auth.login({ username: 'ada', password: 'secret' })
  await runFor(context.env, 0)
  return { ...context, storage, persisted }
}

describe('logout', () => {
  it('ends the session synchronously, before the server answers', async () => {
    const { server, auth, states } = await signedIn()
    const revocation = gate()
    server.respondNextLogout(async (_request, proceed) => {
      await revocation.opened
      return proceed()
    })
    const loggingOut = auth.logout()
    expect(auth.getState()).toEqual({ status: 'unauthenticated', reason: 'logout' })
    expect(states.at(-1)).toEqual({ status: 'unauthenticated', reason: 'logout' })
    await expect(auth.getAccessToken()).rejects.toMatchObject({ name: 'SessionEndedError', reason: 'logout' })
    let done = false
    void loggingOut.then(() => (done = true))
    await flush()
    expect(done).toBe(false)
    revocation.open()
    await loggingOut
    expect(server.stats.logouts).toHaveLength(1)
  })

  it('is idempotent: two calls, one revocation request', async () => {
    const { env, server, auth } = await signedIn()
    const first = auth.logout()
    const second = auth.logout()
    await Promise.all([first, second])
    await auth.logout()
    await runFor(env, 60_000)
    expect(server.stats.logouts).toHaveLength(1)
  })

  it('revokes as RFC 7009 says: the refresh token in the body with its hint, no bearer header', async () => {
    const { server, auth } = await signedIn()
    await auth.logout()
    const [revocation] = server.stats.logouts
    expect(revocation?.body.get('token')).toBe('rt-1-1')
    expect(revocation?.body.get('token_type_hint')).toBe('refresh_token')
    expect(revocation?.body.has('everywhere')).toBe(false)
    expect(revocation?.body.has('client_id')).toBe(false)
    expect(revocation?.authorization).toBeNull()
  })

  it('everywhere: true asks the server to end every session', async () => {
    const { server, auth } = await signedIn()
    await auth.logout({ everywhere: true })
    expect(server.stats.logouts[0]?.body.get('everywhere')).toBe('true')
  })

  it('clears every key it stored, in every adapter', async () => {
    const { auth, storage, persisted } = await signedIn()
    expect(storage.values.size).toBe(1)
    expect(persisted.values.size).toBe(1)
    await auth.logout()
    expect(storage.values.size).toBe(0)
    expect(persisted.values.size).toBe(0)
  })

  it('is bounded by logoutTimeoutMs when the server hangs', async () => {
    const { env, server, auth, events } = await signedIn({ logoutTimeoutMs: 3_000 })
    server.respondNextLogout(() => new Promise<Response>(() => {}))
    let done = false
    const loggingOut = auth.logout().then(() => (done = true))
    await runFor(env, 2_999)
    expect(done).toBe(false)
    await runFor(env, 1)
    await loggingOut
    expect(done).toBe(true)
    expect(events).toContainEqual({ type: 'revocation-failed', error: expect.objectContaining({ name: 'NetworkError', timedOut: true }) })
    expect(env.pendingTimers).toBe(0)
  })

  it('works offline: a network error does not make it reject', async () => {
    const { server, auth, storage } = await signedIn()
    server.respondNextLogout(() => HttpResponse.error())
    await expect(auth.logout()).resolves.toBeUndefined()
    expect(auth.getState()).toEqual({ status: 'unauthenticated', reason: 'logout' })
    expect(storage.values.size).toBe(0)
  })

  it('a server error does not make it reject either', async () => {
    const { server, auth, events } = await signedIn()
    server.respondNextLogout(() => new HttpResponse(null, { status: 500 }))
    await expect(auth.logout()).resolves.toBeUndefined()
    expect(events.some((event) => event.type === 'revocation-failed')).toBe(true)
  })

  it('a refresh in flight cannot resurrect the session: its late response is dropped', async () => {
    const { env, server, auth, states, storage, persisted } = await signedIn()
    const response = gate()
    server.respondNextRefresh(async (_request, proceed) => {
      await response.opened
      return proceed()
    })
    const refreshing = auth.refresh()
    refreshing.catch(() => {})
    await flush()
    expect(server.stats.refreshRequests).toBe(1)
    await auth.logout()
    response.open()
    await expect(refreshing).rejects.toMatchObject({ name: 'SessionEndedError', reason: 'logout' })
    await runFor(env, 10 * 60_000)
    expect(auth.getState()).toEqual({ status: 'unauthenticated', reason: 'logout' })
    expect(states.at(-1)).toEqual({ status: 'unauthenticated', reason: 'logout' })
    expect(storage.values.size + persisted.values.size).toBe(0)
    expect(server.stats.refreshRequests).toBe(1)
  })

  it('a login in flight when logout happens does not sign the user back in', async () => {
    const { env, server, auth, storage } = await signedIn()
    const response = gate()
    mswServer.use(
      http.post(`${server.origin}/auth/login`, async () => {
        await response.opened
        return HttpResponse.json({ access_token: mintAccessToken(env.now(), 60), refresh_token: 'rt-late', expires_in: 60 })
      }),
    )
    const loggingIn = auth.login({ username: 'grace', password: 'secret' })
    loggingIn.catch(() => {})
    await flush()
    await auth.logout()
    response.open()
    await expect(loggingIn).rejects.toMatchObject({ name: 'SessionEndedError', reason: 'logout' })
    await runFor(env, 0)
    expect(auth.getState()).toEqual({ status: 'unauthenticated', reason: 'logout' })
    expect(storage.values.size).toBe(0)
  })

  it('logging out again after a new login ends the new session, even while the first revocation is pending', async () => {
    const { server, auth } = await signedIn()
    const firstRevocation = gate()
    server.respondNextLogout(async (_request, proceed) => {
      await firstRevocation.opened
      return proceed()
    })
    const first = auth.logout()
    await auth.login({ username: 'grace', password: 'secret' })
    const second = auth.logout()
    expect(auth.getState()).toEqual({ status: 'unauthenticated', reason: 'logout' })
    firstRevocation.open()
    await Promise.all([first, second])
    expect(server.stats.logouts.map(({ body }) => body.get('token'))).toEqual(['rt-1-1', 'rt-2-2'])
  })

  it('storage mode, with no session here and no refresh token in storage: sends nothing', async () => {
    const { server, auth } = setup({ refreshToken: 'storage', storage: spyStorage() })
    await auth.start()
    await auth.logout()
    expect(server.stats.logouts).toHaveLength(0)
  })

  it('storage mode, with no session here but a refresh token in storage (a sibling signed in): revokes that session', async () => {
    const storage = spyStorage('indexedDB')
    const { server, auth } = setup({ refreshToken: 'storage', storage })
    await auth.start()
    expect(auth.getState()).toEqual({ status: 'unauthenticated', reason: 'no_session' })
    // A sibling's login, which this tab has not heard of yet.
    const { refreshToken } = server.issueSession()
    await storage.set('tokenlife:default:refresh_token', refreshToken)
    await auth.logout()
    expect(server.stats.logouts.map(({ body }) => body.get('token'))).toEqual([refreshToken])
    expect(server.familyOf(refreshToken)).toEqual({ family: 1, revoked: true })
  })

  it('cookie mode, with no session here: still revokes, since the cookie may hold a session this tab has not heard of', async () => {
    const { server, auth } = setup()
    await auth.start()
    expect(auth.getState()).toEqual({ status: 'unauthenticated', reason: 'no_session' })
    // A sibling's login sets the cookie; this tab has not heard of it yet.
    const { refreshToken } = server.issueSession()
    await auth.logout()
    expect(server.stats.logouts).toHaveLength(1)
    expect(server.familyOf(refreshToken)).toEqual({ family: 1, revoked: true })
    await expect(auth.refresh()).rejects.toMatchObject({ name: 'SessionEndedError' })
  })
})

describe('onSessionEnd', () => {
  it('runs the cleanup callbacks on logout, and awaits async ones', async () => {
    const { auth } = await signedIn()
    const seen: UnauthenticatedReason[] = []
    auth.onSessionEnd((reason) => {
      seen.push(reason)
    })
    let cleared = false
    auth.onSessionEnd(async () => {
      await flush(1)
      cleared = true
    })
    await auth.logout()
    expect(seen).toEqual(['logout'])
    expect(cleared).toBe(true)
  })

  it('runs them when the server revokes the session', async () => {
    const { env, server, auth } = await signedIn()
    const callback = vi.fn()
    auth.onSessionEnd(callback)
    server.revokeAll()
    await runFor(env, 45_000)
    expect(callback).toHaveBeenCalledExactlyOnceWith('revoked')
  })

  it('a callback that throws does not stop logout or the other callbacks', async () => {
    const { env, auth, events } = await signedIn()
    const after = vi.fn()
    auth.onSessionEnd(() => {
      throw new Error('cache is gone')
    })
    auth.onSessionEnd(after)
    await auth.logout()
    expect(after).toHaveBeenCalledOnce()
    expect(events).toContainEqual({ type: 'cleanup-failed', error: new Error('cache is gone') })
    expect(env.warnings.join('\n')).toContain('cache is gone')
  })

  it('an unregistered callback is not run', async () => {
    const { auth } = await signedIn()
    const callback = vi.fn()
    const unregister = auth.onSessionEnd(callback)
    unregister()
    await auth.logout()
    expect(callback).not.toHaveBeenCalled()
  })

  it.each([
    ['storage mode, nothing stored', { refreshToken: 'storage' as const, storage: spyStorage() }],
    ['cookie mode, no cookie', {}],
  ])('does not run them when start() finds no session (%s)', async (_label, options) => {
    const { auth } = setup(options)
    const callback = vi.fn()
    auth.onSessionEnd(callback)
    await auth.start()
    expect(auth.getState()).toEqual({ status: 'unauthenticated', reason: 'no_session' })
    expect(callback).not.toHaveBeenCalled()
  })
})

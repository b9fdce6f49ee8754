import { failingStorage, runFor, spyStorage } from '@tokenlife/test-utils'
import { describe, expect, it } from 'vitest'
import { setup } from './setup'

const refreshKey = 'tokenlife:default:refresh_token'
const accessKey = 'tokenlife:default:access_token'

describe('storage mode', () => {
  it('persists the rotating refresh token in the given adapter, always the newest one', async () => {
    const storage = spyStorage()
    const { env, server, auth } = setup({ refreshToken: 'storage', storage })
    await auth.start()
    await auth.login({ username: 'ada', password: 'secret' })
    await runFor(env, 0)
    expect(storage.values.get(refreshKey)).toBe('rt-1-1')
    await runFor(env, 45_000)
    expect(server.stats.presented).toEqual(['rt-1-1'])
    expect(storage.values.get(refreshKey)).toBe('rt-1-2')
    expect(storage.writtenKeys()).toEqual([refreshKey])
  })

  it('a new client (a reload) restores the session from the adapter: it reads the token, then makes one refresh', async () => {
    const storage = spyStorage()
    const first = setup({ refreshToken: 'storage', storage })
    await first.auth.start()
    await first.auth.login({ username: 'ada', password: 'secret' })
    await runFor(first.env, 0)
    first.auth.destroy()

    const second = setup({ refreshToken: 'storage', storage, env: first.env, server: first.server })
    await second.auth.start()
    expect(first.server.stats.refreshRequests).toBe(1)
    expect(first.server.stats.refreshLog[0]?.bodyRefreshToken).toBe('rt-1-1')
    expect(second.auth.getState()).toMatchObject({ status: 'authenticated', accessToken: first.server.stats.issued.at(-1) })
    expect(storage.values.get(refreshKey)).toBe('rt-1-2')
  })

  it('without a stored refresh token, start() ends at no_session without any request', async () => {
    const { server, auth } = setup({ refreshToken: 'storage', storage: spyStorage() })
    await auth.start()
    expect(auth.getState()).toEqual({ status: 'unauthenticated', reason: 'no_session' })
    expect(server.stats.refreshRequests).toBe(0)
  })
})

describe('cookie mode (the default)', () => {
  it('stores nothing anywhere, even when given a storage adapter', async () => {
    const storage = spyStorage()
    const { env, server, auth } = setup({ storage })
    server.issueSession()
    await auth.start()
    await runFor(env, 100_000)
    await auth.logout()
    await auth.login({ username: 'ada', password: 'secret' })
    await runFor(env, 0)
    expect(server.stats.refreshRequests).toBe(3)
    expect(storage.writtenKeys()).toEqual([])
  })

  it('keeps the refresh token out of JavaScript: never sent in a request body, even when the server returns it', async () => {
    const { env, server, auth } = setup()
    server.issueSession()
    await auth.start()
    await runFor(env, 100_000)
    await auth.logout()
    expect(server.stats.refreshLog.map(({ bodyRefreshToken }) => bodyRefreshToken)).toEqual([undefined, undefined, undefined])
    expect(server.stats.logouts[0]?.body.get('token')).toBeNull()
  })
})

describe('persistAccessToken (opt-in)', () => {
  it('is off by default: the access token is kept in memory only', async () => {
    const storage = spyStorage()
    const { env, server, auth } = setup({ refreshToken: 'storage', storage })
    await auth.login({ username: 'ada', password: 'secret' })
    await runFor(env, 100_000)
    expect(server.stats.loginRequests).toBe(1)
    expect(storage.writtenKeys()).toEqual([refreshKey])
  })

  it('restores a still-valid access token without a refresh, then refreshes it on time', async () => {
    const persisted = spyStorage('sessionStorage')
    const first = setup({ persistAccessToken: persisted })
    first.server.issueSession()
    await first.auth.start()
    await runFor(first.env, 10_000)
    expect(persisted.writtenKeys()).toEqual([accessKey])
    const token = first.auth.getState().accessToken
    first.auth.destroy()

    const second = setup({ persistAccessToken: persisted, env: first.env, server: first.server })
    await second.auth.start()
    expect(first.server.stats.refreshRequests).toBe(1)
    expect(second.auth.getState()).toMatchObject({ status: 'authenticated', accessToken: token })
    await runFor(first.env, 35_000) // due 45 s after it was issued
    expect(first.server.stats.refreshRequests).toBe(2)
  })

  it('does not restore an expired access token: refreshes instead', async () => {
    const persisted = spyStorage('sessionStorage')
    const first = setup({ persistAccessToken: persisted })
    first.server.issueSession()
    await first.auth.start()
    await runFor(first.env, 0)
    first.auth.destroy()
    first.env.sleep(58_000) // 2 s left: less than minValidityMs

    const second = setup({ persistAccessToken: persisted, env: first.env, server: first.server })
    await second.auth.start()
    expect(first.server.stats.refreshRequests).toBe(2)
    expect(second.auth.getState().accessToken).toBe(first.server.stats.issued.at(-1))
  })
})

describe('a storage that throws', () => {
  it.each([
    ['throws', false],
    ['rejects', true],
  ])('that %s: falls back to memory with one warning and the session goes on', async (_label, async) => {
    const storage = failingStorage('localStorage', { async })
    const { env, server, auth, states } = setup({ refreshToken: 'storage', storage })
    await auth.start()
    await auth.login({ username: 'ada', password: 'secret' })
    await runFor(env, 10 * 60_000)
    expect(auth.getState().status).toBe('authenticated')
    expect(states.every((state) => state.status !== 'unauthenticated' || state.reason === 'no_session')).toBe(true)
    // The login's token spread to 26.4 s (random 0.5), then every 48 s: 12 refreshes in 10 minutes.
    expect(server.stats.refreshRequests).toBe(12)
    expect(server.stats.reuseDetected).toBe(0)
    expect(env.warnings).toEqual([expect.any(String)])
    expect(env.warnings[0]).toContain('localStorage failed')
  })
})

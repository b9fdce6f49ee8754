import { createFakeAuthServer, FakeEnvironment } from '@tokenlife/test-utils'
import { describe, expect, it } from 'vitest'
import { mswServer } from './setup'

/** The fake auth server's cookie jar behaves as a browser's: the tests that count reuse in cookie mode rely on it. */
describe('fake auth server, cookie mode (the jar per request)', () => {
  const refresh = (origin: string, signal?: AbortSignal) =>
    fetch(`${origin}/auth/refresh`, { method: 'POST', body: new URLSearchParams({ grant_type: 'refresh_token' }), signal })

  const serve = () => {
    const env = new FakeEnvironment()
    const server = createFakeAuthServer({ now: () => env.now() })
    mswServer.use(...server.handlers)
    server.issueSession()
    return server
  }

  it('two refreshes sent before either answer arrives present the same cookie: the server sees the reuse', async () => {
    const server = serve()
    const answers = await Promise.all([refresh(server.origin), refresh(server.origin)])
    expect(answers.map((answer) => answer.status).sort()).toEqual([200, 400])
    expect(server.stats.presented).toEqual(['rt-1-1', 'rt-1-1'])
    expect(server.stats.reuseDetected).toBe(1)
  })

  it('one after the other, each presents the cookie the answer before it set: no reuse', async () => {
    const server = serve()
    expect((await refresh(server.origin)).status).toBe(200)
    expect((await refresh(server.origin)).status).toBe(200)
    expect(server.stats.presented).toEqual(['rt-1-1', 'rt-1-2'])
    expect(server.stats.reuseDetected).toBe(0)
  })

  it('the answer to a request its sender aborted never reaches the jar: the next request presents the old cookie', async () => {
    const server = serve()
    const controller = new AbortController()
    server.respondNextRefresh(async (_request, proceed) => {
      controller.abort(new Error('gave up'))
      return proceed()
    })
    await expect(refresh(server.origin, controller.signal)).rejects.toThrow()
    const next = await refresh(server.origin)
    expect(server.stats.presented).toEqual(['rt-1-1', 'rt-1-1'])
    expect(next.status).toBe(400)
    expect(server.stats.reuseDetected).toBe(1)
  })

  it('a logout answer clears the jar', async () => {
    const server = serve()
    await fetch(`${server.origin}/auth/logout`, { method: 'POST', body: new URLSearchParams() })
    const after = await refresh(server.origin)
    expect(after.status).toBe(400)
    expect(await after.json()).toMatchObject({ error: 'invalid_grant', error_description: 'no refresh token' })
    expect(server.stats.revocations).toMatchObject([{ family: 1, cause: 'logout' }])
  })
})

import { HttpResponse } from 'msw'
import { describe, expect, it } from 'vitest'
import { isServerError, isSessionEndedError } from '../../errors'
import { adapters, API, bearer, deferred, EVIL, LOOKALIKES, setupHttp } from './httpSetup'

/** Every behaviour of issue 4 that `httpOf(auth)`, `authHooks` and `createAuthFetch(auth)` share, run through each of them. */
describe.each(Object.entries(adapters))('%s', (_name, adapter) => {
  describe('attaching the token', () => {
    it('sends the current token to an allowed origin', async () => {
      const { auth, api, token } = await setupHttp()
      const response = await adapter(auth)(`${API}/me`)
      expect(response.status).toBe(200)
      expect(api.seen.map((seen) => seen.authorization)).toEqual([`Bearer ${token()}`])
    })

    it('never sends it to another origin, even one that looks like the API', async () => {
      const { auth, api } = await setupHttp()
      const send = adapter(auth)
      for (const origin of [EVIL, ...LOOKALIKES]) expect((await send(`${origin}/steal`)).status).toBe(200)
      expect(api.seen).toHaveLength(1 + LOOKALIKES.length)
      expect(api.seen.map((seen) => seen.authorization)).toEqual(api.seen.map(() => null))
    })

    it('leaves a foreign 401 alone: no refresh, no retry', async () => {
      const { auth, api, server } = await setupHttp()
      api.respond = () => new HttpResponse(null, { status: 401 })
      expect((await adapter(auth)(`${EVIL}/x`)).status).toBe(401)
      expect(api.seen).toHaveLength(1)
      expect(server.stats.refreshRequests).toBe(1)
    })

    it('sends requests without a token while signed out, and does not throw', async () => {
      const { auth, api, server } = await setupHttp({ signedIn: false })
      await auth.start()
      expect(auth.getState()).toMatchObject({ status: 'unauthenticated', reason: 'no_session' })
      const response = await adapter(auth)(`${API}/public`)
      expect(response.status).toBe(200)
      expect(api.seen[0]?.authorization).toBeNull()
      expect(server.stats.refreshRequests).toBe(1)
    })

    it('waits for the client to start, then sends the token it got', async () => {
      const { auth, api, server } = await setupHttp({ signedIn: false })
      server.issueSession()
      expect(auth.getState().status).toBe('initializing')
      const response = await adapter(auth)(`${API}/me`)
      expect(response.status).toBe(200)
      expect(server.stats.refreshRequests).toBe(1)
      expect(bearer(api.seen[0])).toBe(auth.getState().accessToken)
    })

    it('while starting finds no session, waits for it, then sends without a token and does not throw', async () => {
      const { auth, api, server } = await setupHttp({ signedIn: false })
      expect(auth.getState().status).toBe('initializing')
      const response = await adapter(auth)(`${API}/public`)
      expect(response.status).toBe(200)
      expect(server.stats.refreshRequests).toBe(1)
      expect(auth.getState()).toMatchObject({ status: 'unauthenticated', reason: 'no_session' })
      expect(api.seen.map((seen) => seen.authorization)).toEqual([null])
    })

    it("keeps the caller's own Authorization header and does not refresh on its 401", async () => {
      const { auth, api, server } = await setupHttp()
      api.respond = (seen) => (seen.authorization === 'Bearer service-key' ? new HttpResponse(null, { status: 401 }) : undefined)
      const response = await adapter(auth)(`${API}/admin`, { headers: { Authorization: 'Bearer service-key' } })
      expect(response.status).toBe(401)
      expect(api.seen.map((seen) => seen.authorization)).toEqual(['Bearer service-key'])
      expect(server.stats.refreshRequests).toBe(1)
    })
  })

  describe('a 401 with the token that was sent', () => {
    it('refreshes once and retries once with the new token', async () => {
      const { auth, api, server, token } = await setupHttp()
      const first = token()
      api.refused.add(first)
      const response = await adapter(auth)(`${API}/me`)
      expect(response.status).toBe(200)
      expect(server.stats.refreshRequests).toBe(2)
      expect(api.seen.map(bearer)).toEqual([first, token()])
      expect(token()).not.toBe(first)
    })

    it('100 parallel requests refused at once cause exactly one refresh', async () => {
      const { auth, api, server, token } = await setupHttp()
      const first = token()
      api.refused.add(first)
      const send = adapter(auth)
      const responses = await Promise.all(Array.from({ length: 100 }, (_, i) => send(`${API}/items/${i}`)))
      expect(responses.map((response) => response.status)).toEqual(responses.map(() => 200))
      expect(server.stats.refreshRequests).toBe(2)
      expect(api.seen).toHaveLength(200)
      expect(api.seen.filter((seen) => bearer(seen) === first)).toHaveLength(100)
      expect(api.seen.filter((seen) => bearer(seen) === token())).toHaveLength(100)
    })

    it('returns a second 401 as it is: one refresh, one retry, no loop', async () => {
      const { auth, api, server } = await setupHttp()
      api.respond = () => new HttpResponse('still no', { status: 401 })
      const response = await adapter(auth)(`${API}/me`)
      expect(response.status).toBe(401)
      expect(await response.text()).toBe('still no')
      expect(api.seen).toHaveLength(2)
      expect(server.stats.refreshRequests).toBe(2)
    })

    it('retries a 401 for an already replaced token with the current one, without refreshing again', async () => {
      const { auth, api, server, token } = await setupHttp()
      const first = token()
      api.refused.add(first)
      const gate = deferred()
      api.gate = gate.promise
      const pending = adapter(auth)(`${API}/slow`)
      await expect.poll(() => api.seen.length).toBe(1)
      await auth.refresh() // e.g. the scheduled refresh, while the request was out
      expect(server.stats.refreshRequests).toBe(2)
      api.gate = undefined
      gate.resolve()
      expect((await pending).status).toBe(200)
      expect(server.stats.refreshRequests).toBe(2)
      expect(api.seen.map(bearer)).toEqual([first, token()])
    })

    it('re-sends the body intact', async () => {
      const { auth, api, token } = await setupHttp()
      api.refused.add(token())
      const body = JSON.stringify({ order: 42, note: 'ünïcode ✓' })
      const response = await adapter(auth)(`${API}/orders`, {
        method: 'POST',
        body,
        headers: { 'Content-Type': 'application/json' },
      })
      expect(response.status).toBe(200)
      expect(api.seen.map((seen) => [seen.method, seen.contentType, seen.body])).toEqual([
        ['POST', 'application/json', body],
        ['POST', 'application/json', body],
      ])
    })

    it('fails every queued request with SessionEndedError when the refresh ends the session', async () => {
      const { auth, api, server, token } = await setupHttp()
      api.refused.add(token())
      server.revokeAll() // the refresh will get invalid_grant
      const send = adapter(auth)
      const results = await Promise.allSettled(Array.from({ length: 5 }, (_, i) => send(`${API}/items/${i}`)))
      for (const result of results) {
        expect(result.status).toBe('rejected')
        const error = (result as PromiseRejectedResult).reason
        expect(isSessionEndedError(error)).toBe(true)
        expect(error).toMatchObject({ reason: 'revoked' })
      }
      expect(server.stats.refreshRequests).toBe(2)
      expect(api.seen).toHaveLength(5)
      expect(auth.getState()).toMatchObject({ status: 'unauthenticated', reason: 'revoked' })
    })

    it("rejects with the refresh's transient error when the token endpoint is down", async () => {
      const { auth, api, server, token } = await setupHttp()
      api.refused.add(token())
      server.respondNextRefresh(() => new HttpResponse(null, { status: 503 }))
      const error = await adapter(auth)(`${API}/me`).catch((caught: unknown) => caught)
      expect(isServerError(error)).toBe(true)
      expect(api.seen).toHaveLength(1)
      expect(auth.getState().status).toBe('authenticated')
    })
  })

  describe('abort', () => {
    it('an abort while the refresh is under way rejects at once; the request is not resent', async () => {
      const { auth, api, server, token } = await setupHttp()
      api.refused.add(token())
      const refreshGate = deferred()
      server.respondNextRefresh(async (_request, proceed) => {
        await refreshGate.promise
        return proceed()
      })
      const controller = new AbortController()
      const pending = adapter(auth)(`${API}/me`, { signal: controller.signal })
      await expect.poll(() => server.stats.refreshRequests).toBe(2)
      controller.abort(new DOMException('user left the page', 'AbortError'))
      await expect(pending).rejects.toThrow('user left the page')
      refreshGate.resolve()
      await expect.poll(() => auth.getState().accessToken !== undefined && auth.getState().accessToken !== bearer(api.seen[0])).toBe(true)
      expect(api.seen).toHaveLength(1)
    })

    it('an abort while waiting for the first token rejects without sending', async () => {
      const { auth, api, server } = await setupHttp({ signedIn: false })
      server.issueSession()
      const refreshGate = deferred()
      server.respondNextRefresh(async (_request, proceed) => {
        await refreshGate.promise
        return proceed()
      })
      const controller = new AbortController()
      const pending = adapter(auth)(`${API}/me`, { signal: controller.signal })
      await expect.poll(() => server.stats.refreshRequests).toBe(1)
      controller.abort(new DOMException('gave up', 'AbortError'))
      await expect(pending).rejects.toThrow('gave up')
      refreshGate.resolve()
      await auth.start()
      expect(auth.getState().status).toBe('authenticated')
      expect(api.seen).toHaveLength(0)
    })
  })

  describe('WWW-Authenticate', () => {
    it('error="invalid_token" refreshes', async () => {
      const { auth, api, server, token } = await setupHttp()
      api.refused.add(token())
      api.challenge = 'Bearer realm="api", error="invalid_token", error_description="expired"'
      expect((await adapter(auth)(`${API}/me`)).status).toBe(200)
      expect(server.stats.refreshRequests).toBe(2)
    })

    it('a 401 naming another error (insufficient_scope) is returned as is', async () => {
      const { auth, api, server, token } = await setupHttp()
      api.refused.add(token())
      api.challenge = 'Bearer error="insufficient_scope", scope="admin"'
      expect((await adapter(auth)(`${API}/admin`)).status).toBe(401)
      expect(server.stats.refreshRequests).toBe(1)
      expect(api.seen).toHaveLength(1)
    })

    it('a 403 with insufficient_scope is returned as is', async () => {
      const { auth, api, server } = await setupHttp()
      api.respond = () =>
        new HttpResponse(null, { status: 403, headers: { 'WWW-Authenticate': 'Bearer error="insufficient_scope"' } })
      expect((await adapter(auth)(`${API}/admin`)).status).toBe(403)
      expect(server.stats.refreshRequests).toBe(1)
      expect(api.seen).toHaveLength(1)
    })

    it("with refreshOn: 'invalid-token', only a 401 that says invalid_token refreshes", async () => {
      const { auth, api, server, token } = await setupHttp()
      const send = adapter(auth, { refreshOn: 'invalid-token' })
      api.refused.add(token())
      expect((await send(`${API}/bare`)).status).toBe(401)
      expect(server.stats.refreshRequests).toBe(1)
      api.challenge = 'Bearer error="invalid_token"'
      expect((await send(`${API}/challenged`)).status).toBe(200)
      expect(server.stats.refreshRequests).toBe(2)
      expect(api.seen).toHaveLength(3)
    })
  })
})

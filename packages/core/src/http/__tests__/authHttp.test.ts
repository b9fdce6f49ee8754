import ky, { HTTPError, isTimeoutError } from 'ky'
import { HttpResponse } from 'msw'
import { describe, expect, it } from 'vitest'
import { isSessionEndedError } from '../../errors'
import { authHooks } from '../authHooks'
import { createAuthHttp } from '../createAuthHttp'
import { API, bearer, deferred, EVIL, setupHttp, httpOf } from './httpSetup'

describe('httpOf(auth) (ky)', () => {
  it('throws HTTPError carrying the second 401 by default (ky semantics), after one refresh', async () => {
    const { auth, api, server } = await setupHttp()
    api.respond = () => new HttpResponse(null, { status: 401 })
    const error = await httpOf(auth).get(`${API}/me`).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(HTTPError)
    expect((error as HTTPError).response.status).toBe(401)
    expect(api.seen).toHaveLength(2)
    expect(server.stats.refreshRequests).toBe(2)
  })

  it('re-sends a `json` body and a streamed body intact on the retry', async () => {
    const { auth, api, token } = await setupHttp()
    api.refused.add(token())
    await httpOf(auth).post(`${API}/orders`, { json: { id: 7, items: ['a', 'b'] } }).json()
    const chunks = ['part one, ', 'part two']
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const chunk of chunks) controller.enqueue(new TextEncoder().encode(chunk))
        controller.close()
      },
    })
    api.refused.add(token())
    await httpOf(auth).put(`${API}/upload`, { body: stream, headers: { 'Content-Type': 'text/plain' } })
    const orders = api.to('/orders')
    expect(orders.map((seen) => [seen.contentType, seen.body])).toEqual([
      ['application/json', '{"id":7,"items":["a","b"]}'],
      ['application/json', '{"id":7,"items":["a","b"]}'],
    ])
    expect(bearer(orders[1])).not.toBe(bearer(orders[0]))
    expect(api.to('/upload').map((seen) => seen.body)).toEqual(['part one, part two', 'part one, part two'])
  })

  it('keeps the prefixUrl, searchParams and headers of an extended instance on the retry', async () => {
    const { auth, api, token } = await setupHttp()
    api.refused.add(token())
    const client = httpOf(auth).extend({ prefixUrl: `${API}/v2`, headers: { 'X-Request-Id': 'r-1' } })
    await client.get('orders', { searchParams: { page: 3 } })
    expect(api.seen.map((seen) => new URL(seen.url).pathname + new URL(seen.url).search)).toEqual([
      '/v2/orders?page=3',
      '/v2/orders?page=3',
    ])
    expect(api.seen.map((seen) => seen.headers['x-request-id'])).toEqual(['r-1', 'r-1'])
  })

  it("honours ky's timeout while waiting for a refresh: TimeoutError, nothing resent", async () => {
    const { auth, api, server, token } = await setupHttp()
    api.refused.add(token())
    const refreshGate = deferred()
    server.respondNextRefresh(async (_request, proceed) => {
      await refreshGate.promise
      return proceed()
    })
    // The refresh never answers while the caller waits: only ky's own timeout can end the call.
    const error = await httpOf(auth).get(`${API}/me`, { timeout: 150 }).catch((caught: unknown) => caught)
    expect(isTimeoutError(error)).toBe(true)
    expect(api.seen).toHaveLength(1)
    refreshGate.resolve()
    await expect.poll(() => auth.getState().accessToken !== bearer(api.seen[0])).toBe(true)
    expect(api.seen).toHaveLength(1)
  })

  it('does not let ky retry a SessionEndedError: it rejects at once, without a second request', async () => {
    const { auth, api, server, token } = await setupHttp()
    api.refused.add(token())
    server.revokeAll()
    // Were the error retried, ky would wait a minute first (and the test would time out): it must reject at once.
    const retries: number[] = []
    const error = await httpOf(auth)
      .get(`${API}/me`, { retry: { limit: 2, delay: (attempt) => (retries.push(attempt), 60_000) } })
      .catch((caught: unknown) => caught)
    expect(isSessionEndedError(error)).toBe(true)
    expect(retries).toEqual([])
    expect(api.seen).toHaveLength(1)
  })

  it("on an app's own ky instance, authHooks' beforeRetry hands SessionEndedError to the caller", async () => {
    const { auth, api, server, token } = await setupHttp()
    api.refused.add(token())
    server.revokeAll()
    const app = ky.create({ hooks: authHooks(auth), retry: { limit: 2, delay: () => 1 } })
    const error = await app.get(`${API}/me`).catch((caught: unknown) => caught)
    expect(isSessionEndedError(error)).toBe(true)
    expect(api.seen).toHaveLength(1)
  })

  it('sends through the environment fetch port', async () => {
    const calls: string[] = []
    const { auth, api } = await setupHttp({
      environment: {
        fetch: (input, init) => {
          calls.push(input instanceof Request ? input.url : String(input))
          return globalThis.fetch(input, init)
        },
      },
    })
    await createAuthHttp(auth).get(`${EVIL}/x`)
    expect(calls).toContain(`${EVIL}/x`)
    expect(api.seen).toHaveLength(1)
  })

  it('rejects unknown options with a TypeError naming the option', async () => {
    const { auth } = await setupHttp()
    expect(() => createAuthHttp(auth, { refreshOn: 'sometimes' as never })).toThrow(/refreshOn/)
  })
})

import { HttpResponse } from 'msw'
import { FakeEnvironment } from '@tokenlife/test-utils'
import { describe, expect, it } from 'vitest'
import { isSessionEndedError } from '../../errors'
import { API, bearer, EVIL, setupHttp, fetchOf } from './httpSetup'

/** Replaces the multipart boundary (new on every send) so two sends of one FormData compare equal. */
const normalizeMultipart = (body: string, contentType: string | null) => {
  const boundary = /boundary=(.+)$/.exec(contentType ?? '')?.[1]
  return boundary ? body.split(boundary).join('BOUNDARY') : body
}

const streamOf = (text: string) =>
  new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(new TextEncoder().encode(text))
      controller.close()
    },
  })

describe('createAuthFetch(auth)', () => {
  const bodies: [string, () => BodyInit][] = [
    ['a string', () => 'plain text ✓'],
    ['URLSearchParams', () => new URLSearchParams({ q: 'a b', page: '2' })],
    [
      'FormData',
      () => {
        const form = new FormData()
        form.set('name', 'Ada')
        form.set('file', new Blob(['file body'], { type: 'text/plain' }), 'a.txt')
        return form
      },
    ],
    ['a Blob', () => new Blob(['blob body'], { type: 'application/octet-stream' })],
    ['an ArrayBuffer', () => new TextEncoder().encode('buffer body').buffer as ArrayBuffer],
    ['a Uint8Array', () => new TextEncoder().encode('bytes body')],
  ]

  it.each(bodies)('re-sends %s intact on the retry', async (_name, makeBody) => {
    const { auth, api, token } = await setupHttp()
    api.refused.add(token())
    const response = await fetchOf(auth)(`${API}/upload`, { method: 'POST', body: makeBody() })
    expect(response.status).toBe(200)
    const [first, retry] = api.seen
    expect(api.seen).toHaveLength(2)
    expect(bearer(retry)).not.toBe(bearer(first))
    expect(first!.body.length).toBeGreaterThan(0)
    expect(normalizeMultipart(retry!.body, retry!.contentType)).toBe(normalizeMultipart(first!.body, first!.contentType))
    expect(retry!.contentType?.split(';')[0]).toBe(first!.contentType?.split(';')[0])
  })

  it("re-sends a Request's body, method and headers intact", async () => {
    const { auth, api, token } = await setupHttp()
    api.refused.add(token())
    const request = new Request(`${API}/orders`, {
      method: 'PUT',
      body: JSON.stringify({ id: 1 }),
      headers: { 'Content-Type': 'application/json', 'X-Trace': 't-1' },
    })
    expect((await fetchOf(auth)(request)).status).toBe(200)
    expect(api.seen.map((seen) => [seen.method, seen.contentType, seen.headers['x-trace'], seen.body])).toEqual([
      ['PUT', 'application/json', 't-1', '{"id":1}'],
      ['PUT', 'application/json', 't-1', '{"id":1}'],
    ])
    expect(bearer(api.seen[1])).toBe(token())
  })

  it('refuses a ReadableStream body to an allowed origin up front, with a TypeError that says what to do', async () => {
    const { auth, api } = await setupHttp()
    const sending = fetchOf(auth)(`${API}/upload`, { method: 'POST', body: streamOf('x'), duplex: 'half' } as RequestInit)
    await expect(sending).rejects.toThrow(TypeError)
    await expect(sending).rejects.toThrow(/ReadableStream.*Blob/)
    expect(api.seen).toHaveLength(0)
  })

  it('passes a ReadableStream body to another origin through untouched', async () => {
    const { auth, api } = await setupHttp()
    const response = await fetchOf(auth)(`${EVIL}/upload`, { method: 'POST', body: streamOf('streamed'), duplex: 'half' } as RequestInit)
    expect(response.status).toBe(200)
    expect(api.seen.map((seen) => [seen.authorization, seen.body])).toEqual([[null, 'streamed']])
  })

  it("honours the signal of a Request input while waiting for the refresh", async () => {
    const { auth, api, server, token } = await setupHttp()
    api.refused.add(token())
    server.respondNextRefresh(() => new Promise<Response>(() => {})) // never answers
    const controller = new AbortController()
    const pending = fetchOf(auth)(new Request(`${API}/me`, { signal: controller.signal }))
    await expect.poll(() => server.stats.refreshRequests).toBe(2)
    controller.abort(new DOMException('stop', 'AbortError'))
    await expect(pending).rejects.toThrow('stop')
    expect(api.seen).toHaveLength(1)
  })

  it('honours AbortSignal.timeout while waiting for the refresh', async () => {
    const { auth, api, server, token } = await setupHttp()
    api.refused.add(token())
    server.respondNextRefresh(() => new Promise<Response>(() => {}))
    const error = await fetchOf(auth)(`${API}/me`, { signal: AbortSignal.timeout(100) }).catch((caught: unknown) => caught)
    expect(error).toMatchObject({ name: 'TimeoutError' })
    expect(api.seen).toHaveLength(1)
  })

  it("gives relative URLs the page's origin, which is allowed by default", async () => {
    const env = new FakeEnvironment()
    env.page = `${API}/app/home`
    const { auth, api, token } = await setupHttp({ allowedOrigins: [], env })
    const response = await fetchOf(auth)('/me')
    expect(response.status).toBe(200)
    expect(api.seen.map((seen) => [seen.url, bearer(seen)])).toEqual([[`${API}/me`, token()]])
  })

  it('attaches the token to the auth server itself (its origin is allowed by default)', async () => {
    const { auth, server, token } = await setupHttp({ allowedOrigins: [] })
    const seen: (string | null)[] = []
    server.respondNextLogout((request) => {
      seen.push(request.headers.get('Authorization'))
      return HttpResponse.json({})
    })
    await fetchOf(auth)(`${server.origin}/auth/logout`, { method: 'POST', body: 'token=x' })
    expect(seen).toEqual([`Bearer ${token()}`])
  })

  it('fails a request that waits for a refresh that ends the session', async () => {
    const { auth, api, server, env } = await setupHttp()
    server.revokeAll()
    env.advance(58_000) // the token is about to expire: the request has to wait for a refresh
    await expect(fetchOf(auth)(`${API}/me`)).rejects.toSatisfy(isSessionEndedError)
    expect(api.seen).toHaveLength(0)
  })
})

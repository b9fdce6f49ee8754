// The HTTP helpers with `dpop: true`: `Authorization: DPoP …` and a proof for this request (htm, htu, ath, the
// server's nonce), only to allowed origins; `use_dpop_nonce` answered once; a 401 wave refreshes once and retries
// with a new proof; never a bearer token when a proof cannot be made.
import ky from 'ky'
import { http, HttpResponse } from 'msw'
import { describe, expect, it, vi } from 'vitest'
import { signedIn } from '../../__tests__/dpopSetup'
import { mswServer } from '../../__tests__/setup'
import { authHooks } from '../authHooks'
import { createAuthFetch } from '../authFetch'
import { createAuthHttp } from '../createAuthHttp'

const sha256 = async (text: string) => Buffer.from(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text))).toString('base64url')

/** The three ways an app sends requests with the token. */
const helpers = {
  createAuthFetch: (auth: Parameters<typeof createAuthFetch>[0]) => (url: string, init?: RequestInit) => createAuthFetch(auth)(url, init),
  createAuthHttp: (auth: Parameters<typeof createAuthHttp>[0]) => (url: string, init?: RequestInit) =>
    createAuthHttp(auth)(url, { ...init, throwHttpErrors: false, retry: 0 } as never) as unknown as Promise<Response>,
  authHooks: (auth: Parameters<typeof authHooks>[0]) => {
    const hooks = authHooks(auth)
    const api = ky.create({ hooks, throwHttpErrors: false, retry: 0, fetch: (input, init) => globalThis.fetch(input, init) })
    return (url: string, init?: RequestInit) => api(url, init as never) as unknown as Promise<Response>
  },
}

describe.each(Object.entries(helpers))('%s with dpop: true', (_name, make) => {
  it('sends Authorization: DPoP and a proof for this request (htm, htu without the query, ath of the token)', async () => {
    const { server, tab, wait } = await signedIn()
    const send = make(tab.auth)
    const response = await wait(send(`${server.origin}/api/items?page=2#top`, { method: 'POST', body: 'payload' }))
    expect(response.status).toBe(200)
    expect(await response.json()).toMatchObject({ body: 'payload' })
    const [call] = server.requestsTo('/api/items')
    const token = tab.auth.getState().accessToken!
    expect(call!.authorization).toBe(`DPoP ${token}`)
    expect(call!.proof!.payload).toMatchObject({ htm: 'POST', htu: `${server.origin}/api/items`, ath: await sha256(token) })
    expect(call!.proof!.jkt).toBe(server.requestsTo('/login')[0]!.proof!.jkt)
  })

  it('sends neither the token nor a proof to an origin that is not allowed', async () => {
    const { tab, wait } = await signedIn()
    const seen: Headers[] = []
    mswServer.use(http.get('https://elsewhere.test/x', ({ request }) => (seen.push(request.headers), HttpResponse.json({}))))
    await wait(make(tab.auth)('https://elsewhere.test/x'))
    expect(seen).toHaveLength(1)
    expect(seen[0]!.get('Authorization')).toBeNull()
    expect(seen[0]!.get('DPoP')).toBeNull()
  })

  it('use_dpop_nonce from the API: one retry with the nonce and the body; the next call carries it at once', async () => {
    const { server, tab, wait } = await signedIn()
    server.state.requireNonce = true
    server.state.nonce = 'api-nonce'
    const send = make(tab.auth)
    const response = await wait(send(`${server.origin}/api/items`, { method: 'PUT', body: 'twice' }))
    expect(response.status).toBe(200)
    expect(await response.json()).toMatchObject({ body: 'twice' })
    await wait(send(`${server.origin}/api/items`))
    expect(server.requestsTo('/api/items').map((call) => call.error ?? call.status)).toEqual(['use_dpop_nonce', 200, 200])
    expect(server.requestsTo('/api/items')[2]!.proof!.payload.nonce).toBe('api-nonce')
  })

  it('a 401 wave: one refresh, then the retry with the new token and a new proof', async () => {
    const { server, tab, wait } = await signedIn()
    const before = tab.auth.getState().accessToken
    server.rejectIssuedTokens()
    const send = make(tab.auth)
    const responses = await wait(Promise.all([1, 2, 3].map(() => send(`${server.origin}/api/items`))))
    expect(responses.map((response) => response.status)).toEqual([200, 200, 200])
    expect(server.requestsTo('/token')).toHaveLength(1)
    const after = tab.auth.getState().accessToken!
    expect(after).not.toBe(before)
    const retried = server.requestsTo('/api/items').filter((call) => call.status === 200)
    for (const call of retried) expect(call.proof!.payload.ath).toBe(await sha256(after))
  })
})

describe('never a bearer token instead', () => {
  it('createAuthFetch rejects when no proof can be made (no IndexedDB in this tab) and sends nothing', async () => {
    const { server, tab, openTab, wait } = await signedIn()
    vi.stubGlobal('indexedDB', undefined)
    try {
      // A second tab gets the session from the first, but cannot read the key the token is bound to.
      const other = openTab()
      await wait(other.auth.start())
      expect(other.auth.getState().accessToken).toBe(tab.auth.getState().accessToken)
      const sent = server.seen.length
      const failure = await wait(createAuthFetch(other.auth)(`${server.origin}/api/items`)).catch((error: unknown) => error)
      expect(failure).toMatchObject({ code: 'TL350' })
      expect(server.seen.length).toBe(sent)
      expect(other.env.errors.filter((message) => message.includes('TL350'))).toHaveLength(1)
    } finally {
      vi.unstubAllGlobals()
    }
  })

  it('auth.dpop.proof() refuses a token that is not the session’s (TL450)', async () => {
    const { tab, wait } = await signedIn()
    await expect(wait(tab.auth.dpop!.proof({ method: 'GET', url: 'https://x.test/', accessToken: 'someone-elses' }))).rejects.toMatchObject({ code: 'TL450' })
  })
})

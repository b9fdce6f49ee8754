// @vitest-environment node
import { describe, expect, it } from 'vitest'
import { tokenlifeHandlers, type MockAuthServer } from '../../src/index'

const ORIGIN = 'http://app.test'

/** A POST as tokenlife's default wire format sends it. */
function post(server: MockAuthServer, path: string, body: Record<string, string> | object, init: { json?: boolean; headers?: Record<string, string>; signal?: AbortSignal } = {}) {
  const json = init.json ?? path.endsWith('/login')
  return server.handle(
    new Request(`${ORIGIN}${path}`, {
      method: 'POST',
      headers: { 'Content-Type': json ? 'application/json' : 'application/x-www-form-urlencoded', ...init.headers },
      body: json ? JSON.stringify(body) : new URLSearchParams(body as Record<string, string>),
      ...(init.signal ? { signal: init.signal } : {}),
    }),
    init.signal,
  )
}

const ada = { email: 'ada@example.com', password: 'correct-horse' }
const storage = { headers: { 'X-Refresh-Token-Mode': 'storage' } }

describe('tokenlifeHandlers(): the server contract', () => {
  it('signs in (cookie and storage mode) and refuses wrong credentials with 401 invalid_grant', async () => {
    const server = tokenlifeHandlers()
    const refused = await post(server, '/auth/login', { ...ada, password: 'nope' })
    expect(refused.status).toBe(401)
    expect(await refused.json()).toMatchObject({ error: 'invalid_grant' })

    const cookie = await post(server, '/auth/login', ada)
    const cookieBody = (await cookie.json()) as Record<string, unknown>
    expect(cookieBody).toMatchObject({ token_type: 'Bearer', expires_in: 300 })
    expect(cookieBody.refresh_token).toBeUndefined() // the cookie carries it
    expect(cookie.headers.get('Cache-Control')).toBe('no-store')

    const body = (await (await post(server, '/auth/login', ada, storage)).json()) as Record<string, string>
    expect(body.refresh_token).toMatch(/^rt-/)
    expect(server.verify(body.access_token!)).toMatchObject({ ok: true, claims: { sub: 'user-1', email: ada.email, name: 'Ada Lovelace' } })
    expect(server.count('login', 'signed-in')).toBe(2)
  })

  it('rotates refresh tokens; a rotated one presented again is reuse and revokes the whole session', async () => {
    const server = tokenlifeHandlers()
    const { refresh_token: first } = (await (await post(server, '/auth/login', ada, storage)).json()) as Record<string, string>
    const rotated = (await (await post(server, '/auth/refresh', { grant_type: 'refresh_token', refresh_token: first! })).json()) as Record<string, string>
    expect(rotated.refresh_token).not.toBe(first)

    const reuse = await post(server, '/auth/refresh', { grant_type: 'refresh_token', refresh_token: first! })
    expect(reuse.status).toBe(400)
    expect(await reuse.json()).toEqual({ error: 'invalid_grant', error_description: 'refresh token reuse detected' })
    // The successor died with the session.
    const successor = await post(server, '/auth/refresh', { grant_type: 'refresh_token', refresh_token: rotated.refresh_token! })
    expect(await successor.json()).toMatchObject({ error: 'invalid_grant', error_description: 'refresh token revoked' })
    expect(server.sessions()[0]!.revoked).toBe('reuse')
    expect(server.requests.map((record) => record.outcome)).toEqual(['signed-in', 'rotated', 'reuse', 'revoked'])
  })

  it('without a retry window (the default), a reuse in the same millisecond as the rotation is still a reuse', async () => {
    const now = Date.UTC(2030, 0, 1) // the clock does not move between the two refreshes
    const server = tokenlifeHandlers({ now: () => now })
    const { refresh_token: first } = (await (await post(server, '/auth/login', ada, storage)).json()) as Record<string, string>
    expect((await post(server, '/auth/refresh', { grant_type: 'refresh_token', refresh_token: first! })).status).toBe(200)
    const again = await post(server, '/auth/refresh', { grant_type: 'refresh_token', refresh_token: first! })
    expect(await again.json()).toMatchObject({ error_description: 'refresh token reuse detected' })
    expect(server.count('refresh', 'retried')).toBe(0)
  })

  it('with a retry window, a token presented again within it gets the same successor', async () => {
    let now = Date.UTC(2030, 0, 1)
    const server = tokenlifeHandlers({ retryWindowSeconds: 30, now: () => now })
    const login = await post(server, '/auth/login', ada, storage)
    expect(login.headers.get('Tokenlife-Retry-Window')).toBe('30')
    const { refresh_token: first } = (await login.json()) as Record<string, string>
    const a = (await (await post(server, '/auth/refresh', { grant_type: 'refresh_token', refresh_token: first! })).json()) as Record<string, string>
    now += 10_000
    const b = (await (await post(server, '/auth/refresh', { grant_type: 'refresh_token', refresh_token: first! })).json()) as Record<string, string>
    expect(b.refresh_token).toBe(a.refresh_token)
    expect(server.count('refresh', 'retried')).toBe(1)
    now += 30_000
    expect((await post(server, '/auth/refresh', { grant_type: 'refresh_token', refresh_token: first! })).status).toBe(400)
  })

  it('models the cookie jar as a browser does: a request carries the cookie of when it left; an aborted answer changes nothing', async () => {
    const server = tokenlifeHandlers()
    await post(server, '/auth/login', ada)
    const held = server.holdNextRefresh()
    const controller = new AbortController()
    const first = post(server, '/auth/refresh', { grant_type: 'refresh_token' }, { signal: controller.signal })
    await held.arrived
    controller.abort()
    held.release()
    await first
    // The answer was not received: the jar still holds the old token, which the server rotated: reuse.
    const next = await post(server, '/auth/refresh', { grant_type: 'refresh_token' })
    expect(await next.json()).toMatchObject({ error_description: 'refresh token reuse detected' })

    server.reset()
    const none = await post(server, '/auth/refresh', { grant_type: 'refresh_token' })
    expect(await none.json()).toMatchObject({ error: 'invalid_request', error_description: 'no refresh token' })
  })

  it("in 'browser' cookie mode sends real Set-Cookie headers and reads the Cookie header", async () => {
    const server = tokenlifeHandlers({ cookies: 'browser' })
    const login = await post(server, '/auth/login', ada)
    const cookie = login.headers.getSetCookie()[0]!
    expect(cookie).toMatch(/^tokenlife_rt=rt-.+; Path=\/auth; HttpOnly; SameSite=Strict; Max-Age=604800$/)
    const value = cookie.split(';')[0]!
    const refreshed = await post(server, '/auth/refresh', { grant_type: 'refresh_token' }, { headers: { Cookie: value } })
    expect(refreshed.status).toBe(200)
    expect(refreshed.headers.getSetCookie()[0]).not.toContain(value)
    const logout = await post(server, '/auth/logout', { token_type_hint: 'refresh_token' }, { headers: { Cookie: value } })
    expect(logout.headers.getSetCookie()[0]).toMatch(/^tokenlife_rt=; .*Max-Age=0$/)
  })

  it('revokes at logout (RFC 7009: 200 whatever the token) and needs a current credential to log out everywhere', async () => {
    const server = tokenlifeHandlers()
    const { refresh_token: token, access_token: access } = (await (await post(server, '/auth/login', ada, storage)).json()) as Record<string, string>
    expect((await post(server, '/auth/logout', { token: 'not-a-token', token_type_hint: 'refresh_token' })).status).toBe(200)
    expect(server.requests.at(-1)!.outcome).toBe('nothing-to-revoke')
    const everywhereWithout = await post(server, '/auth/logout', { token: 'not-a-token', everywhere: 'true' })
    expect(everywhereWithout.status).toBe(400)

    expect((await post(server, '/auth/logout', { token: token!, token_type_hint: 'refresh_token' })).status).toBe(200)
    expect(server.activeSessions()).toEqual([])
    expect(server.verify(access!)).toMatchObject({ ok: true }) // an access token lives until exp unless presented…
    await post(server, '/auth/logout', { token: access! })
    expect(server.verify(access!)).toMatchObject({ ok: false, reason: 'revoked' }) // …then it is denied

    const again = (await (await post(server, '/auth/login', ada, storage)).json()) as Record<string, string>
    const other = (await (await post(server, '/auth/login', ada, storage)).json()) as Record<string, string>
    await post(server, '/auth/logout', { token: again.refresh_token!, everywhere: 'true' })
    expect(server.activeSessions()).toEqual([])
    expect(server.verify(other.access_token!)).toMatchObject({ ok: false, reason: 'revoked' })
  })

  it('changes the password (a new session, every other one ends at its next refresh) and logs out everywhere by bearer', async () => {
    const server = tokenlifeHandlers()
    const a = (await (await post(server, '/auth/login', ada, storage)).json()) as Record<string, string>
    const b = (await (await post(server, '/auth/login', ada, storage)).json()) as Record<string, string>
    const wrong = await post(server, '/auth/change-password', { currentPassword: 'x', newPassword: 'long-enough' }, { json: true, headers: { Authorization: `Bearer ${a.access_token}` } })
    expect(await wrong.json()).toMatchObject({ error: 'invalid_grant', error_description: 'wrong current password' })
    const changed = await post(server, '/auth/change-password', { currentPassword: ada.password, newPassword: 'long-enough' }, { json: true, headers: { Authorization: `Bearer ${a.access_token}`, 'X-Refresh-Token-Mode': 'storage' } })
    const fresh = (await changed.json()) as Record<string, string>
    expect(fresh.refresh_token).toBeDefined()
    const ended = await post(server, '/auth/refresh', { grant_type: 'refresh_token', refresh_token: b.refresh_token! })
    expect(await ended.json()).toMatchObject({ error_description: 'token version changed' })
    expect((await post(server, '/auth/login', ada)).status).toBe(401)
    expect((await post(server, '/auth/login', { ...ada, password: 'long-enough' })).status).toBe(200)

    const bearer = { headers: { Authorization: `Bearer ${fresh.access_token}` } }
    expect((await post(server, '/auth/logout-everywhere', {}, bearer)).status).toBe(200)
    expect(server.activeSessions()).toEqual([])
    expect((await post(server, '/auth/logout-everywhere', {}, bearer)).status).toBe(401)
    const jwks = await server.handle(new Request(`${ORIGIN}/.well-known/jwks.json`))
    expect(await jwks.json()).toEqual({ keys: [] })
  })

  it('as an OAuth server for a public client, refresh and revocation must carry its client_id', async () => {
    const server = tokenlifeHandlers({ clientId: 'my-spa' })
    const { refresh_token: token } = (await (await post(server, '/auth/login', ada, storage)).json()) as Record<string, string>
    const missing = await post(server, '/auth/refresh', { grant_type: 'refresh_token', refresh_token: token! })
    expect([missing.status, ((await missing.json()) as { error: string }).error]).toEqual([400, 'invalid_request'])
    const other = await post(server, '/auth/refresh', { grant_type: 'refresh_token', refresh_token: token!, client_id: 'theirs' })
    expect([other.status, ((await other.json()) as { error: string }).error]).toEqual([401, 'invalid_client'])
    expect((await post(server, '/auth/refresh', { grant_type: 'refresh_token', refresh_token: token!, client_id: 'my-spa' })).status).toBe(200)
    expect((await post(server, '/auth/refresh', { grant_type: 'password' })).status).toBe(400)
  })

  it('has switches for the next refreshes: each failure answers as a real server would, and none rotates the token', async () => {
    const server = tokenlifeHandlers()
    const { refresh_token: token } = (await (await post(server, '/auth/login', ada, storage)).json()) as Record<string, string>
    const refresh = () => post(server, '/auth/refresh', { grant_type: 'refresh_token', refresh_token: token! })
    server.failNextRefresh('unavailable', { retryAfterSeconds: 7 })
    server.failNextRefresh('rate-limited')
    server.failNextRefresh('server-error')
    server.failNextRefresh('invalid_client')
    server.failNextRefresh('network-error')
    const unavailable = await refresh()
    expect([unavailable.status, unavailable.headers.get('Retry-After')]).toEqual([503, '7'])
    expect(((await unavailable.json()) as { error: string }).error).toBe('temporarily_unavailable')
    expect([(await refresh()).status, (await refresh()).status, (await refresh()).status]).toEqual([429, 500, 401])
    await expect(refresh()).rejects.toThrow(TypeError)
    expect(server.requests.slice(1).map((record) => [record.status, record.outcome])).toEqual([
      [503, 'failed:unavailable'],
      [429, 'failed:rate-limited'],
      [500, 'failed:server-error'],
      [401, 'failed:invalid_client'],
      [0, 'failed:network-error'],
    ])
    expect((await refresh()).status).toBe(200) // the token was never used by the failures

    server.failNextRefresh('invalid_grant', { times: 2 })
    expect([(await refresh()).status, (await refresh()).status]).toEqual([400, 400])
  })

  it("'lost-answer' rotates the token and loses the answer: presenting it again is reuse", async () => {
    const server = tokenlifeHandlers()
    const { refresh_token: token } = (await (await post(server, '/auth/login', ada, storage)).json()) as Record<string, string>
    server.failNextRefresh('lost-answer')
    await expect(post(server, '/auth/refresh', { grant_type: 'refresh_token', refresh_token: token! })).rejects.toThrow('Failed to fetch')
    expect(server.requests.at(-1)!.outcome).toBe('failed:lost-answer (rotated)')
    const again = await post(server, '/auth/refresh', { grant_type: 'refresh_token', refresh_token: token! })
    expect(await again.json()).toMatchObject({ error_description: 'refresh token reuse detected' })
  })

  it('delays, holds and goes down on command', async () => {
    const waits: number[] = []
    const server = tokenlifeHandlers({ wait: async (ms) => void waits.push(ms) })
    await post(server, '/auth/login', ada)
    server.delayNextRefresh(2_500)
    expect((await post(server, '/auth/refresh', { grant_type: 'refresh_token' })).status).toBe(200)
    expect(waits).toEqual([2_500])

    const held = server.holdNextRefresh()
    const answer = post(server, '/auth/refresh', { grant_type: 'refresh_token' })
    await held.arrived
    expect(held.hasArrived).toBe(true)
    held.fail('unavailable')
    expect((await answer).status).toBe(503)

    server.goDown('network-error')
    await expect(post(server, '/auth/login', ada)).rejects.toThrow(TypeError)
    server.goUp()
    expect((await post(server, '/auth/login', ada)).status).toBe(200)
  })

  it('issues tokens that expire in N seconds, revokes sessions and changes passwords on command', async () => {
    let now = Date.UTC(2030, 0, 1)
    const server = tokenlifeHandlers({ now: () => now, users: [ada, { email: 'bob@example.com', password: 'b' }] })
    server.setAccessTokenTtl(5)
    const body = (await (await post(server, '/auth/login', ada, storage)).json()) as Record<string, string | number>
    expect(body.expires_in).toBe(5)
    now += 5_000
    expect(server.verify(String(body.access_token))).toMatchObject({ ok: false, reason: 'expired' })

    const bob = (await (await post(server, '/auth/login', { email: 'bob@example.com', password: 'b' }, storage)).json()) as Record<string, string>
    server.revokeSessions(ada.email)
    expect(server.activeSessions().map((session) => session.userId)).toEqual(['user-2'])
    const refused = await post(server, '/auth/refresh', { grant_type: 'refresh_token', refresh_token: String(body.refresh_token) })
    expect(await refused.json()).toMatchObject({ error: 'invalid_grant' })

    server.changePassword('bob@example.com', 'new-password')
    expect(server.verify(bob.access_token!)).toMatchObject({ ok: false, reason: 'revoked' })
    expect((await post(server, '/auth/login', { email: 'bob@example.com', password: 'new-password' })).status).toBe(200)
  })

  it('answers only its own endpoints (exact paths, methods, and its origin when it has one)', async () => {
    const server = tokenlifeHandlers({ origin: 'https://auth.example.com', endpoints: { refresh: '/oauth/token' } })
    const request = (url: string, method = 'POST') => new Request(url, { method })
    expect(server.matches(request('https://auth.example.com/oauth/token'))).toBe(true)
    expect(server.matches(request('https://auth.example.com/auth/refresh'))).toBe(false)
    expect(server.matches(request('https://evil.example.com/oauth/token'))).toBe(false)
    expect(server.matches(request('https://auth.example.com/oauth/token', 'GET'))).toBe(false)
    expect(server.matches(request('https://auth.example.com/x/auth/login'))).toBe(false)
    expect([...server].length).toBe(6) // one msw handler per endpoint
  })

  it('refuses bad input with coded TypeErrors', () => {
    expect(() => tokenlifeHandlers({ accessTokenTtl: -1 })).toThrow(expect.objectContaining({ code: 'TL801', name: 'TypeError' }))
    expect(() => tokenlifeHandlers({ ttl: 5 } as never)).toThrow(/`ttl` must be one of/)
    expect(() => tokenlifeHandlers({ endpoints: { refresh: 'token' } })).toThrow(/endpoints\.refresh/)
    expect(() => tokenlifeHandlers().failNextRefresh('503' as never)).toThrow(expect.objectContaining({ code: 'TL802' }))
    expect(() => tokenlifeHandlers().revokeSessions('nobody@example.com')).toThrow(expect.objectContaining({ code: 'TL803' }))
  })
})

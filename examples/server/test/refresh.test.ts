import { describe, expect, it } from 'vitest'
import { InMemoryAuthStore } from '../src/index'
import { call, decodeJwt, deferred, getApi, login, postForm, refreshWithBody, refreshWithCookie, signIn, start } from './helpers'

describe('POST /auth/refresh', () => {
  it('rotates: a new access token and a new refresh cookie, in the OAuth shape', async () => {
    const server = await start()
    const first = await signIn(server)
    server.clock.now += 20_000

    const reply = await refreshWithCookie(server, first.refresh)
    expect(reply.status).toBe(200)
    expect(Object.keys(reply.body).sort()).toEqual(['access_token', 'expires_in', 'refresh_expires_in', 'token_type'])
    expect(reply.body).toMatchObject({ token_type: 'Bearer', expires_in: 30 })
    expect(reply.headers.get('cache-control')).toBe('no-store')
    expect(reply.cookie).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(reply.cookie).not.toBe(first.refresh)
    expect(reply.setCookie?.toLowerCase()).toContain('path=/auth')

    const access = reply.body.access_token as string
    expect(access).not.toBe(first.access)
    const before = decodeJwt(first.access).payload
    const after = decodeJwt(access).payload
    expect(after.sub).toBe(before.sub)
    expect(after.jti).not.toBe(before.jti)
    expect(after.iat).toBe(server.clock.now / 1000)
    expect((await getApi(server, '/api/me', access)).status).toBe(200)

    // The new token keeps rotating.
    const again = await refreshWithCookie(server, reply.cookie as string)
    expect(again.status).toBe(200)
    expect(server.stats).toMatchObject({ refreshRequests: 2, refreshSuccesses: 2, refreshFailures: 0, reuseDetected: 0 })
    expect(server.stats.refreshLog.map((e) => e.outcome)).toEqual(['success', 'success'])
  })

  it('storage mode: takes the token from the body and returns the rotated one in the body', async () => {
    const server = await start()
    const loggedIn = await login(server, undefined, { 'X-Refresh-Token-Mode': 'storage' })
    const token = loggedIn.body.refresh_token as string

    const reply = await refreshWithBody(server, token)
    expect(reply.status).toBe(200)
    expect(reply.body.refresh_token).toEqual(expect.any(String))
    expect(reply.body.refresh_token).not.toBe(token)
    expect(reply.cookie).toBe(reply.body.refresh_token)
    expect((await refreshWithBody(server, reply.body.refresh_token as string)).status).toBe(200)
  })

  it('a body token wins over the cookie', async () => {
    const server = await start()
    const a = await signIn(server)
    const b = await signIn(server)
    const reply = await postForm(
      server,
      '/auth/refresh',
      { grant_type: 'refresh_token', refresh_token: a.refresh },
      { cookie: b.refresh },
    )
    expect(reply.status).toBe(200)
    // b's token was not touched: it still rotates; a's is now used.
    expect((await refreshWithCookie(server, b.refresh)).status).toBe(200)
    expect((await refreshWithBody(server, a.refresh)).body.error_description).toBe('refresh token reuse detected')
  })

  it('reuse of a rotated token revokes the whole family: the newer token dies too', async () => {
    const server = await start()
    const original = await signIn(server)
    const other = await signIn(server)
    const rotated = await refreshWithCookie(server, original.refresh)
    expect(rotated.status).toBe(200)

    const reuse = await refreshWithCookie(server, original.refresh)
    expect(reuse.status).toBe(400)
    expect(reuse.body).toEqual({ error: 'invalid_grant', error_description: 'refresh token reuse detected' })
    expect(reuse.setCookie).toMatch(/^tokenlife_rt=;.*Max-Age=0/)
    expect(server.stats.reuseDetected).toBe(1)

    const newer = await refreshWithCookie(server, rotated.cookie as string)
    expect(newer.status).toBe(400)
    expect(newer.body.error).toBe('invalid_grant')
    expect(newer.body.error_description).toBe('refresh token has been revoked')

    // Another session (another family) of the same user is untouched.
    expect((await refreshWithCookie(server, other.refresh)).status).toBe(200)
    expect(server.stats).toMatchObject({ refreshRequests: 4, refreshSuccesses: 2, refreshFailures: 2, reuseDetected: 1 })
  })

  it('two concurrent refreshes with the same token: exactly one wins, the other is reuse', async () => {
    const server = await start()
    const { refresh } = await signIn(server)
    const replies = await Promise.all([refreshWithCookie(server, refresh), refreshWithCookie(server, refresh)])
    expect(replies.map((r) => r.status).sort()).toEqual([200, 400])
    expect(server.stats.reuseDetected).toBe(1)
    const winner = replies.find((r) => r.status === 200)
    // ...and the family is gone, so the winner's new token is dead as well.
    expect((await refreshWithCookie(server, winner?.cookie as string)).status).toBe(400)
  })

  it('the store decides a race: when both requests read the token before either marks it, one still loses', async () => {
    // A store (like a networked database) where both requests pass the "already used?" read before either goes on:
    // each read waits until the other request has read too.
    class RacingStore extends InMemoryAuthStore {
      readers = 0
      #bothRead = deferred()
      racing = false
      override async getRefreshToken(tokenHash: string) {
        const record = await super.getRefreshToken(tokenHash)
        if (!this.racing) return record
        if (++this.readers === 2) this.#bothRead.resolve()
        await this.#bothRead.promise
        return record
      }
    }
    const store = new RacingStore()
    const server = await start({ store })
    const { refresh } = await signIn(server)
    store.racing = true
    const replies = await Promise.all([refreshWithCookie(server, refresh), refreshWithCookie(server, refresh)])
    // Both first reads happened before either went on (later reads, by the loser, may follow).
    expect(store.readers).toBeGreaterThanOrEqual(2)
    expect(replies.map((r) => r.status).sort()).toEqual([200, 400])
    expect(replies.find((r) => r.status === 400)?.body.error_description).toBe('refresh token reuse detected')
    expect(server.stats.reuseDetected).toBe(1)
  })

  it('rejects unknown and expired refresh tokens with invalid_grant', async () => {
    const server = await start({ refreshTokenTtlSeconds: 3600 })
    const unknown = await refreshWithCookie(server, 'A'.repeat(43))
    expect(unknown.status).toBe(400)
    expect(unknown.body).toEqual({ error: 'invalid_grant', error_description: 'refresh token is invalid' })

    const { refresh } = await signIn(server)
    const fresh = await signIn(server)
    server.clock.now += 3600_000 - 1
    expect((await refreshWithCookie(server, fresh.refresh)).status).toBe(200)
    server.clock.now += 1
    const expired = await refreshWithCookie(server, refresh)
    expect(expired.status).toBe(400)
    expect(expired.body).toEqual({ error: 'invalid_grant', error_description: 'refresh token expired' })
    expect(server.stats.reuseDetected).toBe(0)
  })

  it('each refresh extends the refresh-token lifetime (sliding)', async () => {
    const server = await start({ refreshTokenTtlSeconds: 100 })
    let { refresh } = await signIn(server)
    for (let i = 0; i < 5; i += 1) {
      server.clock.now += 90_000
      const reply = await refreshWithCookie(server, refresh)
      expect(reply.status).toBe(200)
      expect(reply.setCookie).toContain('Max-Age=100')
      refresh = reply.cookie as string
    }
  })

  it('answers malformed refresh requests with the OAuth error codes, counting each request', async () => {
    const server = await start()
    const { refresh } = await signIn(server)

    const noGrant = await postForm(server, '/auth/refresh', {}, { cookie: refresh })
    expect(noGrant.status).toBe(400)
    expect(noGrant.body.error).toBe('invalid_request')

    const wrongGrant = await postForm(server, '/auth/refresh', { grant_type: 'password' }, { cookie: refresh })
    expect(wrongGrant.status).toBe(400)
    expect(wrongGrant.body.error).toBe('unsupported_grant_type')

    const noToken = await postForm(server, '/auth/refresh', { grant_type: 'refresh_token' })
    expect(noToken.status).toBe(400)
    expect(noToken.body.error).toBe('invalid_request')

    const json = await call(server, '/auth/refresh', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Cookie: `tokenlife_rt=${refresh}` },
      body: JSON.stringify({ grant_type: 'refresh_token' }),
    })
    expect(json.status).toBe(415)

    expect(server.stats).toMatchObject({ refreshRequests: 4, refreshSuccesses: 0, refreshFailures: 4 })
    expect(server.stats.refreshLog.map((e) => e.outcome)).toEqual(Array(4).fill('bad_request'))
    // None of it consumed the token.
    expect((await refreshWithCookie(server, refresh)).status).toBe(200)
  })
})

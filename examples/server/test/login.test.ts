import { describe, expect, it } from 'vitest'
import { DEMO, decodeJwt, getApi, login, start } from './helpers'

describe('POST /auth/login', () => {
  it('returns an OAuth token response and sets the refresh cookie (cookie mode)', async () => {
    const server = await start()
    const reply = await login(server)

    expect(reply.status).toBe(200)
    expect(Object.keys(reply.body).sort()).toEqual(['access_token', 'expires_in', 'refresh_expires_in', 'token_type'])
    expect(reply.body.token_type).toBe('Bearer')
    expect(reply.body.expires_in).toBe(30)
    expect(reply.headers.get('cache-control')).toBe('no-store')
    expect(reply.headers.get('date')).toBe(new Date(server.clock.now).toUTCString())

    expect(reply.cookie).toMatch(/^[A-Za-z0-9_-]{43}$/)
    const attributes = reply.setCookie?.split(';').map((a) => a.trim().toLowerCase())
    expect(attributes).toEqual(expect.arrayContaining(['path=/auth', 'httponly', 'samesite=strict']))
    expect(attributes).not.toContain('secure')

    const { header, payload } = decodeJwt(reply.body.access_token as string)
    expect(header.alg).toBe('HS256')
    expect(payload).toMatchObject({
      email: DEMO.email,
      name: 'Demo User',
      ver: 0,
      iss: 'tokenlife-example',
      aud: 'tokenlife-example-api',
      iat: server.clock.now / 1000,
      exp: server.clock.now / 1000 + 30,
    })
    expect(payload.sub).toEqual(expect.any(String))
    expect(payload.jti).toEqual(expect.any(String))

    const me = await getApi(server, '/api/me', reply.body.access_token as string)
    expect(me.status).toBe(200)
    expect(me.body).toMatchObject({ id: payload.sub, email: DEMO.email })
    expect(server.stats.logins).toBe(1)
  })

  it('honours accessTokenTtlSeconds and secureCookies', async () => {
    const server = await start({ accessTokenTtlSeconds: 120, secureCookies: true })
    const reply = await login(server)
    expect(reply.body.expires_in).toBe(120)
    const { payload } = decodeJwt(reply.body.access_token as string)
    expect(Number(payload.exp) - Number(payload.iat)).toBe(120)
    expect(reply.setCookie?.toLowerCase().split(';').map((a) => a.trim())).toContain('secure')
  })

  it('also returns the refresh token in the body for storage-mode clients (header or body field)', async () => {
    const server = await start()
    for (const reply of [
      await login(server, DEMO, { 'X-Refresh-Token-Mode': 'storage' }),
      await login(server, { ...DEMO, refresh_token_mode: 'storage' }),
    ]) {
      expect(reply.status).toBe(200)
      expect(reply.body.refresh_token).toEqual(expect.any(String))
      expect(reply.body.refresh_token).toBe(reply.cookie)
    }
  })

  it('accepts the email in any case and with surrounding spaces', async () => {
    const server = await start()
    expect((await login(server, { email: '  Demo@TokenLife.dev ', password: DEMO.password })).status).toBe(200)
  })

  it('rejects a wrong password or an unknown email with 401 invalid_grant and no cookie', async () => {
    const server = await start()
    for (const credentials of [
      { email: DEMO.email, password: 'wrong-password' },
      { email: 'nobody@tokenlife.dev', password: DEMO.password },
    ]) {
      const reply = await login(server, credentials)
      expect(reply.status).toBe(401)
      expect(reply.body).toEqual({ error: 'invalid_grant', error_description: expect.any(String) })
      expect(reply.setCookie).toBeUndefined()
    }
    expect(server.stats.loginFailures).toBe(2)
    expect(server.stats.logins).toBe(0)
  })

  it('rate-limits failures per email: the 6th attempt within a minute is 429 even with the right password', async () => {
    const server = await start()
    for (let i = 0; i < 5; i += 1) {
      expect((await login(server, { email: DEMO.email, password: `wrong-${i}` })).status).toBe(401)
    }
    const limited = await login(server)
    expect(limited.status).toBe(429)
    expect(limited.body.error).toBe('too_many_requests')
    const retryAfter = Number(limited.headers.get('retry-after'))
    expect(retryAfter).toBeGreaterThan(0)
    expect(retryAfter).toBeLessThanOrEqual(60)
    expect(server.stats.loginRateLimited).toBe(1)

    server.clock.now += retryAfter * 1000
    expect((await login(server)).status).toBe(200)
  })

  it('a success resets the per-email failure count', async () => {
    const server = await start()
    for (let i = 0; i < 4; i += 1) await login(server, { email: DEMO.email, password: 'wrong' })
    expect((await login(server)).status).toBe(200)
    for (let i = 0; i < 4; i += 1) await login(server, { email: DEMO.email, password: 'wrong' })
    expect((await login(server)).status).toBe(200)
  })

  it('rate-limits failures per client IP across emails', async () => {
    const server = await start({ loginRateLimit: { perIp: 3 } })
    for (let i = 0; i < 3; i += 1) {
      expect((await login(server, { email: `user${i}@example.com`, password: 'x' })).status).toBe(401)
    }
    const limited = await login(server)
    expect(limited.status).toBe(429)
    expect(limited.headers.get('retry-after')).toBe('60')
  })
})

import { randomBytes } from 'node:crypto'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { DEFAULT_SCRYPT_PARAMS, DEMO_USER, hashPassword, MemoryStore, startServer, verifyPassword } from '../src/index'
import { call, DEMO, login, refreshWithCookie, SECRET, signIn, start } from './helpers'

const cookieAttributes = (setCookie: string | undefined) => setCookie?.split(';').map((a) => a.trim().toLowerCase()) ?? []

describe('secure defaults', () => {
  it('hashes passwords with scrypt N=2^17, r=8, p=1 by default (OWASP), which needs and gets a raised maxmem', async () => {
    expect(DEFAULT_SCRYPT_PARAMS).toEqual({ N: 131072, r: 8, p: 1 })
    const hash = await hashPassword('correct horse')
    expect(hash).toMatch(/^scrypt\$131072\$8\$1\$[\w-]{22}\$[\w-]{43}$/)
    expect(await verifyPassword('correct horse', hash)).toBe(true)
    expect(await verifyPassword('wrong horse', hash)).toBe(false)

    // A server started without passwordHashCost stores the demo user at that cost.
    const server = await startServer({ port: 0, jwtSecret: SECRET, staticDirs: {} })
    try {
      expect((await server.store.findUserByEmail(DEMO_USER.email))?.passwordHash).toMatch(/^scrypt\$131072\$8\$1\$/)
    } finally {
      await server.close()
    }
  })

  it('two instances starting at once on one store both start and seed the demo user once (the loser\'s TL621 is expected)', async () => {
    const store = new MemoryStore()
    const base = { port: 0, jwtSecret: SECRET, staticDirs: {}, passwordHashCost: 1024, store }
    const servers = await Promise.all([startServer(base), startServer(base)])
    try {
      expect([...store.users.values()].filter((user) => user.email === DEMO_USER.email)).toHaveLength(1)
    } finally {
      await Promise.all(servers.map((server) => server.close()))
    }
  })

  it('caps a session at sessionMaxAgeSeconds from its login, however often it rotates', async () => {
    const server = await start({ refreshTokenTtlSeconds: 100, sessionMaxAgeSeconds: 250 })
    let { refresh } = await signIn(server)
    const maxAges: string[] = []
    const refreshExpiresIn: unknown[] = []
    for (let i = 0; i < 2; i += 1) {
      server.clock.now += 90_000
      const reply = await refreshWithCookie(server, refresh)
      expect(reply.status).toBe(200)
      maxAges.push(/Max-Age=(\d+)/.exec(reply.setCookie ?? '')?.[1] ?? '')
      refreshExpiresIn.push(reply.body.refresh_expires_in)
      refresh = reply.cookie as string
    }
    // t=90 s: the full 100 s; t=180 s: only the 70 s left of the session. The body says the same to the client.
    expect(maxAges).toEqual(['100', '70'])
    expect(refreshExpiresIn).toEqual([100, 70])
    server.clock.now += 70_000 // t=250 s: the refresh token itself would live until 280 s
    const ended = await refreshWithCookie(server, refresh)
    expect(ended.status).toBe(400)
    expect(ended.body).toEqual({ error: 'invalid_grant', error_description: 'session reached its maximum age: sign in again' })
    expect(server.stats.refreshLog.at(-1)?.outcome).toBe('expired')
    // A new login starts a new session.
    expect((await refreshWithCookie(server, (await signIn(server)).refresh)).status).toBe(200)
  })

  it('caps sessions at 30 days by default', async () => {
    const server = await start({ refreshTokenTtlSeconds: 8 * 24 * 3600 })
    let { refresh } = await signIn(server)
    for (let day = 7; day < 30; day += 7) {
      server.clock.now += 7 * 24 * 3600_000
      const reply = await refreshWithCookie(server, refresh)
      expect(reply.status).toBe(200)
      refresh = reply.cookie as string
    }
    server.clock.now += 2 * 24 * 3600_000 // day 30
    expect((await refreshWithCookie(server, refresh)).body.error_description).toBe(
      'session reached its maximum age: sign in again',
    )
  })

  it('marks the cookie Secure from X-Forwarded-Proto only with trustProxy', async () => {
    const behindProxy = { 'X-Forwarded-Proto': 'https', 'X-Forwarded-For': '203.0.113.7' }
    const untrusted = await start()
    expect(cookieAttributes((await login(untrusted, DEMO, behindProxy)).setCookie)).not.toContain('secure')
    const trusted = await start({ trustProxy: true })
    expect(cookieAttributes((await login(trusted, DEMO, behindProxy)).setCookie)).toContain('secure')
    expect(cookieAttributes((await login(trusted, DEMO, { 'X-Forwarded-Proto': 'http' })).setCookie)).not.toContain('secure')
    expect(cookieAttributes((await login(trusted)).setCookie)).not.toContain('secure') // plain http, no header
  })

  it('with trustProxy, rate-limits per forwarded client IP rather than per proxy', async () => {
    const server = await start({ trustProxy: true, loginRateLimit: { perIp: 2 } })
    const from = (ip: string, i: number) => login(server, { email: `u${i}@example.com`, password: 'x' }, { 'X-Forwarded-For': `198.51.100.1, ${ip}` })
    expect((await from('203.0.113.1', 1)).status).toBe(401)
    expect((await from('203.0.113.1', 2)).status).toBe(401)
    expect((await from('203.0.113.1', 3)).status).toBe(429)
    expect((await from('203.0.113.2', 4)).status).toBe(401)
  })

  it('sends security headers on the served apps: a CSP with no inline script, nosniff, Referrer-Policy', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tokenlife-spa-'))
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>app</title>')
    const server = await start({ staticDirs: { '/react/': dir } })
    for (const path of ['/react/', '/react/account', '/', '/auth/login']) {
      const reply = await fetch(server.url + path)
      const csp = reply.headers.get('content-security-policy') ?? ''
      const directives = Object.fromEntries(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name, values]))
      expect(directives['script-src']).toEqual(["'self'"])
      expect(directives['default-src']).toEqual(["'self'"])
      expect(directives['style-src']).toEqual(["'self'"])
      expect(directives['base-uri']).toEqual(["'none'"])
      expect(directives['object-src']).toEqual(["'none'"])
      expect(directives['frame-ancestors']).toEqual(["'none'"])
      expect(csp).not.toContain('unsafe-inline')
      expect(csp).not.toContain('unsafe-eval')
      expect(reply.headers.get('x-content-type-options')).toBe('nosniff')
      expect(reply.headers.get('referrer-policy')).toBe('same-origin')
      expect(reply.headers.get('x-frame-options')).toBe('DENY')
    }
  })

  it('refuses a short or guessable JWT secret at start, saying how to make one; accepts random ones', async () => {
    const base = { port: 0, staticDirs: {}, passwordHashCost: 1024 }
    await expect(startServer({ ...base, jwtSecret: 'too-short' })).rejects.toThrow(
      /^tokenlife: the JWT secret \(jwtSecret \/ TOKENLIFE_JWT_SECRET\) must be at least 32 bytes, got 9\. Use 32 random bytes/,
    )
    for (const weak of ['x'.repeat(64), 'secret'.repeat(8), '0123456789abcdef0123456789abcdef', randomBytes(16).toString('hex')]) {
      await expect(startServer({ ...base, jwtSecret: weak })).rejects.toThrow(/looks guessable: about \d+ bits of entropy/)
    }
    await expect(startServer({ ...base, jwtSecret: new Uint8Array(32) })).rejects.toThrow(TypeError)
    for (const good of [randomBytes(32), randomBytes(32).toString('base64'), randomBytes(32).toString('hex'), undefined]) {
      const server = await startServer({ ...base, jwtSecret: good })
      expect((await call(server, '/auth/login', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(DEMO) })).status).toBe(200)
      await server.close()
    }
  })
})

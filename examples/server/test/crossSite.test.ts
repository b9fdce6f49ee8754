import { describe, expect, it } from 'vitest'
import { startServer } from '../src/index'
import { call, DEMO, postForm, refreshWithCookie, SECRET, signIn, start } from './helpers'

type Server = Awaited<ReturnType<typeof start>>

/** A POST as a cross-site page's form would send it: urlencoded, the cookie attached, a foreign `Origin`. */
const crossSiteForm = (server: Server, path: string, fields: Record<string, string>, headers: Record<string, string>) =>
  call(server, path, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(fields),
  })

const expectRefused = (reply: { status: number; body: Record<string, unknown>; setCookie: string | undefined }) => {
  expect(reply.status).toBe(403)
  expect(reply.body).toEqual({ error: 'access_denied', error_description: expect.stringMatching(/^cross-site request refused/) })
  expect(reply.setCookie).toBeUndefined()
}

describe('cross-site requests to /auth/* are refused (CSRF)', () => {
  it('a cross-site form POST to /auth/logout does not log the user out', async () => {
    const server = await start()
    const { refresh } = await signIn(server)
    const reply = await crossSiteForm(server, '/auth/logout', {}, {
      Origin: 'https://evil.example',
      'Sec-Fetch-Site': 'cross-site',
      Cookie: `tokenlife_rt=${refresh}`,
    })
    expectRefused(reply)
    expect(reply.body.error_description).toBe('cross-site request refused: Origin https://evil.example is not allowed')
    expect(reply.headers.get('cache-control')).toBe('no-store')
    expect(server.stats.logouts).toBe(0)
    // The session is intact.
    expect((await refreshWithCookie(server, refresh)).status).toBe(200)
  })

  it('refuses a foreign Origin on every state-changing endpoint, and Origin: null', async () => {
    const server = await start()
    const { access, refresh } = await signIn(server)
    const cookie = `tokenlife_rt=${refresh}`
    for (const origin of ['https://evil.example', 'null', `${server.url}.evil.example`, server.url.replace('http:', 'https:')]) {
      expectRefused(await call(server, '/auth/login', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Origin: origin },
        body: JSON.stringify(DEMO),
      }))
      expectRefused(await crossSiteForm(server, '/auth/refresh', { grant_type: 'refresh_token' }, { Origin: origin, Cookie: cookie }))
      expectRefused(await crossSiteForm(server, '/auth/logout', { everywhere: 'true' }, { Origin: origin, Cookie: cookie }))
      expectRefused(await crossSiteForm(server, '/auth/logout-everywhere', {}, { Origin: origin, Authorization: `Bearer ${access}` }))
      expectRefused(await call(server, '/auth/change-password', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${access}`, Origin: origin },
        body: JSON.stringify({ currentPassword: DEMO.password, newPassword: 'attacker-chosen' }),
      }))
    }
    expect(server.stats).toMatchObject({ logins: 1, refreshRequests: 0, logouts: 0, logoutsEverywhere: 0, passwordChanges: 0 })
    expect((await refreshWithCookie(server, refresh)).status).toBe(200)
  })

  it('without Origin, refuses what Sec-Fetch-Site marks cross-site or same-site; lets same-origin and none through', async () => {
    const server = await start()
    for (const site of ['cross-site', 'same-site', 'CROSS-SITE']) {
      expectRefused(await crossSiteForm(server, '/auth/logout', {}, { 'Sec-Fetch-Site': site }))
    }
    for (const site of ['same-origin', 'none']) {
      expect((await crossSiteForm(server, '/auth/logout', {}, { 'Sec-Fetch-Site': site })).status).toBe(200)
    }
  })

  it('accepts what the SDK sends from a page of the server: its own Origin (and requests with no Origin at all)', async () => {
    const server = await start()
    const sameOrigin = { Origin: server.url, 'Sec-Fetch-Site': 'same-origin' }
    const loggedIn = await call(server, '/auth/login', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json', ...sameOrigin },
      body: JSON.stringify(DEMO),
    })
    expect(loggedIn.status).toBe(200)
    const refreshed = await crossSiteForm(server, '/auth/refresh', { grant_type: 'refresh_token' }, {
      ...sameOrigin,
      Cookie: `tokenlife_rt=${loggedIn.cookie}`,
    })
    expect(refreshed.status).toBe(200)
    const out = await crossSiteForm(server, '/auth/logout', {}, { ...sameOrigin, Cookie: `tokenlife_rt=${refreshed.cookie}` })
    expect(out.status).toBe(200)
    expect((await postForm(server, '/auth/logout', {})).status).toBe(200) // curl, a test: no Origin, no Sec-Fetch-Site
  })

  it('judges the own origin by the Host the browser used (a dev server proxying with its Host kept)', async () => {
    const server = await start()
    const viaProxy = (origin: string) =>
      server.app.request('http://localhost:5173/auth/login', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Origin: origin },
        body: JSON.stringify(DEMO),
      })
    expect((await viaProxy('http://localhost:5173')).status).toBe(200)
    expect((await viaProxy('http://localhost:5174')).status).toBe(403)
  })

  it('allowedOrigins adds exact origins; only they pass', async () => {
    const server = await start({ allowedOrigins: ['http://localhost:5173', 'https://App.Example.com/'] })
    const from = (origin: string) =>
      call(server, '/auth/login', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Origin: origin, 'Sec-Fetch-Site': 'cross-site' },
        body: JSON.stringify(DEMO),
      })
    expect((await from('http://localhost:5173')).status).toBe(200)
    expect((await from('https://app.example.com')).status).toBe(200)
    expect((await from('https://app.example.com:8443')).status).toBe(403)
    expect((await from('http://app.example.com')).status).toBe(403)
  })

  it('behind a proxy, the own origin is the forwarded one only with trustProxy', async () => {
    const headers = {
      'Content-Type': 'application/json',
      Origin: 'https://app.example.com',
      'X-Forwarded-Proto': 'https',
      'X-Forwarded-Host': 'app.example.com',
    }
    const login = (server: Server) => call(server, '/auth/login', { method: 'POST', headers, body: JSON.stringify(DEMO) })
    expect((await login(await start())).status).toBe(403)
    expect((await login(await start({ trustProxy: true }))).status).toBe(200)
  })

  it('rejects allowedOrigins entries that are not bare origins, with the corrected form', async () => {
    const base = { port: 0, jwtSecret: SECRET, staticDirs: {}, passwordHashCost: 1024 }
    await expect(startServer({ ...base, allowedOrigins: ['localhost:5173'] })).rejects.toThrow(
      'tokenlife: allowedOrigins entries must be origins like "https://app.example.com", got "localhost:5173"',
    )
    await expect(startServer({ ...base, allowedOrigins: ['https://app.example.com/app/'] })).rejects.toThrow(
      /must be bare origins .* got "https:\/\/app.example.com\/app\/"; use "https:\/\/app.example.com"/,
    )
    await expect(startServer({ ...base, allowedOrigins: ['*'] })).rejects.toThrow(TypeError)
  })
})

// A real browser with real tabs, for the cross-tab tests and benchmark: a loopback HTTP server that serves the
// built core (bundled for the browser) on a test page and implements the server half (login, rotating refresh
// tokens with reuse detection, revocation), and Debian's Chromium driven by playwright.
import { randomBytes } from 'node:crypto'
import { createServer } from 'node:http'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import { launchChromium } from '@tokenlife/test-utils/chromium'

export { launchChromium }

const coreDist = fileURLToPath(new URL('../dist/index.js', import.meta.url))
const kyDist = fileURLToPath(new URL('../dist/ky.js', import.meta.url))

const page = `<!doctype html>
<meta charset="utf-8">
<title>tokenlife tab</title>
<script type="module">
  import * as tokenlife from '/tokenlife.js'
  const params = new URLSearchParams(location.search)
  const timing = JSON.parse(params.get('timing') ?? '{}')
  const auth = tokenlife.createAuthClient({
    refreshUrl: '/auth/refresh',
    loginUrl: '/auth/login',
    logoutUrl: '/auth/logout',
    refreshToken: params.get('mode') ?? 'cookie',
    timing,
    ...(params.get('persist') === 'session' ? { persistAccessToken: tokenlife.webStorage('session') } : {}),
    ...(params.get('idle') ? { idle: tokenlife.idleTimeout(JSON.parse(params.get('idle'))) } : {}),
  })
  window.auth = auth
  window.authFetch = tokenlife.createAuthFetch(auth)
  window.authHttp = tokenlife.createAuthHttp(auth)
  window.tokenlife = tokenlife
  window.seen = []
  auth.subscribe((state) => window.seen.push({ status: state.status, at: performance.timeOrigin + performance.now() }))
  window.ready = auth.start()
</script>`

/**
 * Starts the loopback server. `lifetimeSeconds` is the access-token lifetime it issues; `refreshDelayMs` how long
 * it takes to answer a refresh (it rotates at once, answers later), settable later through `setRefreshDelay`.
 * `GET /api/me` is a protected resource: it answers 401 (`invalid_token`) for a token it does not know or one
 * issued before `rejectIssuedTokens()` (a 401 wave). With `retryWindowSeconds`, token responses carry
 * `Tokenlife-Retry-Window`, and a refresh token presented again within that many seconds of its rotation, whose
 * successor has not been presented yet, is answered with the same successor (`stats.replays`) instead of as reuse.
 * @param {{ lifetimeSeconds?: number, refreshDelayMs?: number, retryWindowSeconds?: number }} [options]
 */
export async function startTabsServer({ lifetimeSeconds = 3, refreshDelayMs = 0, retryWindowSeconds = 0 } = {}) {
  let refreshDelay = refreshDelayMs
  /** While set, refresh answers (rotated already) wait for it: see `holdRefreshes`. */
  let refreshGate
  const accessTokens = new Set()
  let rejectedBefore = 0
  // The main entry and the ky entry (`@tokenlife/core/ky`) in one browser bundle.
  const bundle = await build({
    stdin: { contents: `export * from ${JSON.stringify(coreDist)}; export * from ${JSON.stringify(kyDist)}`, resolveDir: process.cwd() },
    bundle: true,
    format: 'esm',
    write: false,
    minify: true,
  })
  const script = bundle.outputFiles[0].text
  const families = new Map() // refresh token -> { family, used }
  const revoked = new Set()
  const stats = { refreshRequests: 0, refreshes: 0, refreshesAnswered: 0, reuseDetected: 0, replays: 0, heldAnswers: 0, logouts: 0, logoutLog: [], refreshLog: [], presented: [], apiRequests: 0, apiRefusals: 0, apiLog: [] }
  const successors = new Map() // rotated refresh token -> { pair, at }
  const held = new Set() // releases of refresh answers being held (see setRefreshDelay)
  let familyCount = 0
  const issuedAt = new Map()
  let lastIssuedAt = 0

  const b64 = (value) => Buffer.from(JSON.stringify(value)).toString('base64url')
  const issue = (family) => {
    lastIssuedAt = Date.now()
    const refreshToken = randomBytes(16).toString('hex')
    families.set(refreshToken, { family, used: false })
    const now = Math.floor(Date.now() / 1000)
    const accessToken = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ sub: 'demo', iat: now, exp: now + lifetimeSeconds, jti: refreshToken.slice(0, 8) })}.sig`
    accessTokens.add(accessToken)
    issuedAt.set(accessToken, Date.now())
    return { accessToken, refreshToken }
  }
  const readBody = (request) =>
    new Promise((resolve) => {
      let body = ''
      request.on('data', (chunk) => (body += chunk))
      request.on('end', () => resolve(body))
    })
  const cookieOf = (request) => /(?:^|;\s*)rt=([^;]+)/.exec(request.headers.cookie ?? '')?.[1]
  const send = (response, status, body, headers = {}) => {
    response.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', ...headers })
    response.end(JSON.stringify(body))
  }
  const tokens = (response, pair, storageMode) =>
    send(
      response,
      200,
      { access_token: pair.accessToken, token_type: 'Bearer', expires_in: lifetimeSeconds, ...(storageMode ? { refresh_token: pair.refreshToken } : {}) },
      {
        'Set-Cookie': `rt=${pair.refreshToken}; Path=/auth; HttpOnly; SameSite=Strict`,
        ...(retryWindowSeconds > 0 ? { 'Tokenlife-Retry-Window': String(retryWindowSeconds) } : {}),
      },
    )

  const server = createServer(async (request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost')
    if (request.method === 'GET' && url.pathname === '/tab.html') {
      response.writeHead(200, { 'Content-Type': 'text/html' })
      return response.end(page)
    }
    if (request.method === 'GET' && url.pathname === '/tokenlife.js') {
      response.writeHead(200, { 'Content-Type': 'text/javascript' })
      return response.end(script)
    }
    if (request.method === 'GET' && url.pathname === '/api/me') {
      stats.apiRequests++
      const token = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1]
      stats.apiLog.push({ at: Date.now(), token })
      const issued = token && issuedAt.get(token)
      if (!issued || issued <= rejectedBefore) {
        stats.apiRefusals++
        return send(response, 401, { error: 'invalid_token' }, { 'WWW-Authenticate': 'Bearer error="invalid_token"' })
      }
      return send(response, 200, { sub: 'demo' })
    }
    if (request.method !== 'POST') return send(response, 404, { error: 'not_found' })
    const body = await readBody(request)
    if (url.pathname === '/auth/login') {
      return tokens(response, issue(++familyCount), request.headers['x-refresh-token-mode'] === 'storage')
    }
    if (url.pathname === '/auth/refresh') {
      stats.refreshRequests++
      const form = new URLSearchParams(body)
      const presented = form.get('refresh_token') ?? cookieOf(request)
      if (presented) stats.presented.push(presented)
      const record = presented && families.get(presented)
      if (!record || revoked.has(record.family)) return send(response, 400, { error: 'invalid_grant' })
      const earlier = successors.get(presented)
      if (record.used && earlier && Date.now() - earlier.at <= retryWindowSeconds * 1000 && !families.get(earlier.pair.refreshToken)?.used) {
        stats.replays++
        return tokens(response, earlier.pair, form.has('refresh_token'))
      }
      if (record.used) {
        stats.reuseDetected++
        revoked.add(record.family)
        return send(response, 400, { error: 'invalid_grant', error_description: 'reuse detected' })
      }
      record.used = true
      stats.refreshes++
      stats.refreshLog.push({ at: Date.now(), newestIssuedAt: lastIssuedAt })
      // Rotated now; the answer comes later (a slow server): a request aborted meanwhile loses the new token.
      const pair = issue(record.family)
      successors.set(presented, { pair, at: Date.now() })
      if (refreshGate) await refreshGate
      if (refreshDelay > 0) {
        stats.heldAnswers++
        await new Promise((resolve) => {
          const release = () => {
            clearTimeout(timer)
            held.delete(release)
            resolve()
          }
          const timer = setTimeout(release, refreshDelay)
          held.add(release)
        })
        stats.heldAnswers--
      }
      tokens(response, pair, form.has('refresh_token'))
      stats.refreshesAnswered++
      return
    }
    if (url.pathname === '/auth/logout') {
      stats.logouts++
      stats.logoutLog.push({ at: Date.now() })
      const presented = new URLSearchParams(body).get('token') ?? cookieOf(request)
      const record = presented && families.get(presented)
      if (record) revoked.add(record.family)
      return send(response, 200, {}, { 'Set-Cookie': 'rt=; Path=/auth; Max-Age=0' })
    }
    return send(response, 404, { error: 'not_found' })
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = /** @type {import('node:net').AddressInfo} */ (server.address())
  return {
    origin: `http://127.0.0.1:${port}`,
    stats,
    resetStats: () =>
      Object.assign(stats, { refreshRequests: 0, refreshes: 0, refreshesAnswered: 0, reuseDetected: 0, replays: 0, logouts: 0, logoutLog: [], refreshLog: [], presented: [], apiRequests: 0, apiRefusals: 0, apiLog: [] }),
    /** How long the server takes to answer a refresh from now on, ms (`stats.heldAnswers` counts those it holds). */
    setRefreshDelay: (ms) => {
      refreshDelay = ms
    },
    /**
     * From now on refresh answers wait (the server has rotated already) until the returned function is called: a test
     * can make sure every tab has called in before the first answer arrives, however slowly the machine runs.
     * @returns {() => void}
     */
    holdRefreshes: () => {
      let release = () => {}
      refreshGate = new Promise((resolve) => {
        release = () => {
          refreshGate = undefined
          resolve(undefined)
        }
      })
      return release
    },
    /** Sends every refresh answer being held now (see setRefreshDelay). */
    releaseHeldAnswers: () => {
      for (const release of [...held]) release()
    },
    /** The protected resource refuses every access token issued so far (a 401 wave). */
    rejectIssuedTokens: () => {
      rejectedBefore = Date.now()
    },
    close: () => new Promise((resolve) => server.close(resolve)),
  }
}

/**
 * Opens `count` tabs of one browser context on the test page and waits until each has started.
 * @param {import('playwright').BrowserContext} context
 * @param {string} origin
 * @param {number} count
 * @param {{ mode?: 'cookie' | 'storage', locks?: 'on' | 'off', channel?: 'native' | 'library', timing?: object, persist?: 'session', sessionStorage?: Record<string, string>, idle?: { timeoutMs: number, warnMs?: number } }} [options]
 */
export async function openTabs(
  context,
  origin,
  count,
  { mode = 'cookie', locks = 'on', channel = 'native', timing = {}, persist, sessionStorage, idle } = {},
) {
  const query = new URLSearchParams({ mode, timing: JSON.stringify(timing), ...(persist ? { persist } : {}), ...(idle ? { idle: JSON.stringify(idle) } : {}) })
  const pages = []
  for (let i = 0; i < count; i++) {
    const tab = await context.newPage()
    // A browser without Web Locks (older Safari): tokenlife must fall back to a leader election.
    if (locks === 'off') await tab.addInitScript(() => Object.defineProperty(Navigator.prototype, 'locks', { get: () => undefined }))
    // A browser without a native BroadcastChannel either: tokenlife must talk through the broadcast-channel library.
    if (channel === 'library') await tab.addInitScript(() => delete window.BroadcastChannel)
    // A tab the browser restores (reopen closed tab, a discarded tab reloaded) gets its sessionStorage back.
    if (sessionStorage) {
      await tab.addInitScript((saved) => {
        if (sessionStorage.getItem('restored-once')) return
        for (const [key, value] of Object.entries(saved)) sessionStorage.setItem(key, value)
        sessionStorage.setItem('restored-once', '1')
      }, sessionStorage)
    }
    await tab.goto(`${origin}/tab.html?${query}`)
    await tab.waitForFunction(() => window.ready !== undefined)
    await tab.evaluate(() => window.ready)
    pages.push(tab)
  }
  return pages
}

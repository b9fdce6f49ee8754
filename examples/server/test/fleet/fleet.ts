// Three reference-server instances on one real Redis (each through a TCP proxy of its own, so a test can slow,
// cut or partition one instance's Redis), behind a round-robin HTTP proxy that also serves a test page running the
// built @tokenlife/core, and Debian's Chromium. Used by the fleet test files.
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { fileURLToPath } from 'node:url'
import type { AuthClient } from '@tokenlife/core'
import type { AuthEvent, SigningKeyJwk } from '@tokenlife/server'
import { generateSigningKey } from '@tokenlife/server'
import { launchChromium } from '@tokenlife/test-utils/chromium'
import { startTestRedis, type TestRedis } from '@tokenlife/test-utils/redis'
import { startTcpProxy, type TcpProxy } from '@tokenlife/test-utils/tcpProxy'
import { build } from 'esbuild'
import type { Browser, BrowserContext, Page } from 'playwright'
import { DEMO_USER, startServer, type RunningServer } from '../../src/index'

/** Access-token lifetime of the fleet, seconds: tokenlife refreshes such tokens every few seconds. */
export const TTL_SECONDS = 4
/** The verifiers' staleness bound, ms. */
export const BOUND_MS = 2_000

const coreDist = fileURLToPath(new URL('../../../../packages/core/dist/index.js', import.meta.url))
const page = `<!doctype html>
<meta charset="utf-8">
<title>tokenlife fleet tab</title>
<script type="module">
  import * as tokenlife from '/tokenlife.js'
  const params = new URLSearchParams(location.search)
  const auth = tokenlife.createAuthClient({
    refreshUrl: '/auth/refresh',
    loginUrl: '/auth/login',
    logoutUrl: '/auth/logout',
    refreshToken: params.get('mode') ?? 'cookie',
  })
  window.auth = auth
  window.authFetch = tokenlife.createAuthFetch(auth)
  window.seen = []
  auth.subscribe((state) => window.seen.push(state.status))
  window.ready = auth.start()
</script>`

/** One instance: the server, its Redis proxy, and what it did. */
export interface Instance {
  name: string
  server: RunningServer
  redisProxy: TcpProxy
  events: AuthEvent[]
}

export interface Fleet {
  redis: TestRedis
  instances: Instance[]
  /** The round-robin proxy's origin (the test page is at `/tab.html`). */
  origin: string
  browser: Browser
  /** From now on the proxy answers `/api/*` with 401 for access tokens issued before now (a 401 wave). */
  startWave(): Promise<void>
  /** Every auth event of every instance, in the order they happened. */
  events(): AuthEvent[]
  close(): Promise<void>
}

async function startInstance(name: string, redis: TestRedis, keys: SigningKeyJwk[], all: AuthEvent[], ttlSeconds: number): Promise<Instance> {
  const redisProxy = await startTcpProxy(redis.port)
  const events: AuthEvent[] = []
  const server = await startServer({
    port: 0,
    redisUrl: `redis://127.0.0.1:${redisProxy.port}`,
    signingKeys: keys,
    accessTokenTtlSeconds: ttlSeconds,
    retryWindowSeconds: 30,
    maxStalenessMs: BOUND_MS,
    passwordHashCost: 1024,
    staticDirs: {},
    users: [DEMO_USER],
    onEvent: (event) => {
      events.push(event)
      all.push(event)
    },
  })
  return { name, server, redisProxy, events }
}

/** Starts Redis, three instances (issuing access tokens of `ttlSeconds`), the proxy and Chromium. */
export async function startFleet({ ttlSeconds = TTL_SECONDS } = {}): Promise<Fleet> {
  const redis = await startTestRedis()
  const keys = [await generateSigningKey('EdDSA')]
  const instances: Instance[] = []
  const all: AuthEvent[] = []
  for (const name of ['A', 'B', 'C']) instances.push(await startInstance(name, redis, keys, all, ttlSeconds))
  const bundle = await build({ entryPoints: [coreDist], bundle: true, format: 'esm', write: false, minify: true })
  const script = bundle.outputFiles[0]!.text
  let next = 0
  let waveAt = 0
  const issuedBefore = (authorization: string | undefined, at: number) => {
    const token = /^Bearer (.+)$/.exec(authorization ?? '')?.[1]
    try {
      const { iat } = JSON.parse(Buffer.from(token?.split('.')[1] ?? '', 'base64url').toString()) as { iat: number }
      return iat * 1000 < at
    } catch {
      return false
    }
  }
  const proxy = createServer((req: IncomingMessage, res: ServerResponse) => {
    if (req.url?.startsWith('/tab.html')) return void res.writeHead(200, { 'Content-Type': 'text/html' }).end(page)
    if (req.url === '/tokenlife.js') return void res.writeHead(200, { 'Content-Type': 'text/javascript' }).end(script)
    if (waveAt && req.url?.startsWith('/api/') && issuedBefore(req.headers.authorization, waveAt)) {
      res.writeHead(401, { 'Content-Type': 'application/json', 'WWW-Authenticate': 'Bearer error="invalid_token"' })
      return void res.end(JSON.stringify({ error: 'invalid_token' }))
    }
    const target = instances[next++ % instances.length]!
    const upstream = httpRequest({ host: '127.0.0.1', port: target.server.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
      if (process.env.FLEET_LOG && req.url?.startsWith('/auth/')) {
        console.log(Date.now() % 100000, target.name, req.method, req.url, req.headers.cookie?.slice(0, 20), req.headers['content-length'], answer.statusCode, answer.headers['set-cookie'])
      }
      res.writeHead(answer.statusCode ?? 502, answer.headers)
      answer.pipe(res)
    })
    upstream.on('error', () => {
      if (!res.headersSent) res.writeHead(502, { 'Content-Type': 'application/json' })
      res.end(JSON.stringify({ error: 'bad_gateway' }))
    })
    req.pipe(upstream)
  })
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve))
  const browser = await launchChromium()
  return {
    redis,
    instances,
    origin: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`,
    browser,
    startWave: async () => {
      // Token times are whole seconds: refuse every token issued before the next second starts, and wait for it.
      waveAt = Math.floor(Date.now() / 1000) * 1000 + 1000
      await new Promise((resolve) => setTimeout(resolve, waveAt - Date.now() + 5))
    },
    events: () => all,
    close: async () => {
      await browser.close()
      proxy.closeAllConnections()
      await new Promise<void>((resolve) => proxy.close(() => resolve()))
      for (const instance of instances) {
        await instance.server.close()
        await instance.redisProxy.close()
      }
      await redis.stop()
    },
  }
}

declare global {
  interface Window {
    auth: AuthClient
    authFetch: typeof fetch
    seen: string[]
    ready: Promise<void>
  }
}

/** Opens `count` tabs of `context` on the fleet's page in `mode`, each started. */
export async function openTabs(context: BrowserContext, fleet: Fleet, count: number, mode: 'cookie' | 'storage'): Promise<Page[]> {
  const pages: Page[] = []
  for (let i = 0; i < count; i++) {
    const tab = await context.newPage()
    await tab.goto(`${fleet.origin}/tab.html?mode=${mode}`)
    await tab.waitForFunction(() => window.ready !== undefined)
    await tab.evaluate(() => window.ready)
    pages.push(tab)
  }
  return pages
}

/** Counts of the refresh outcomes in `events`. */
export function refreshOutcomes(events: AuthEvent[]): Record<string, number> {
  const counts: Record<string, number> = {}
  for (const event of events) if (event.type === 'refresh') counts[event.outcome] = (counts[event.outcome] ?? 0) + 1
  return counts
}

/** Signs in directly at one instance (no browser): the access token and the refresh cookie. */
export async function signInAt(instance: Instance): Promise<{ access: string; refresh: string }> {
  const response = await fetch(`${instance.server.url}/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ email: DEMO_USER.email, password: DEMO_USER.password }),
  })
  const body = (await response.json()) as { access_token: string }
  const refresh = /tokenlife_rt=([^;]*)/.exec(response.headers.get('set-cookie') ?? '')?.[1] ?? ''
  return { access: body.access_token, refresh }
}

/** The status `instance` answers `/api/me` with for `token`. */
export async function apiStatus(instance: Instance, token: string): Promise<number> {
  const response = await fetch(`${instance.server.url}/api/me`, { headers: { Authorization: `Bearer ${token}` } })
  await response.arrayBuffer()
  return response.status
}

/** A POST of a form to one instance, with the refresh cookie and a bearer token if given. */
export function postAt(instance: Instance, path: string, fields: Record<string, string>, options: { cookie?: string; bearer?: string } = {}) {
  const headers: Record<string, string> = { 'Content-Type': 'application/x-www-form-urlencoded' }
  if (options.cookie) headers.Cookie = `tokenlife_rt=${options.cookie}`
  if (options.bearer) headers.Authorization = `Bearer ${options.bearer}`
  return fetch(`${instance.server.url}${path}`, { method: 'POST', headers, body: new URLSearchParams(fields) })
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

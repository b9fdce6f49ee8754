import type { RoutedServer } from '../client/testEnvironment'
import { describe, kitError } from '../diagnostics/kitError'
import type { PlaywrightPage, PlaywrightRoute, PlaywrightRouteTarget } from './playwrightTypes'
import type { SeedOptions, SeedResult } from './seedSession'

/** Options of {@link signInForE2E}: the app's client setup and credentials, and where the app is. */
export interface E2eSignInOptions extends SeedOptions {
  /** Any URL of the app's origin (`http://localhost:5173/`): the session is seeded on that origin. */
  url: string
}

/** The path of the blank page seeding runs in (it never reaches the app's server). */
const SEED_PATH = '/__tokenlife_seed__'

let seedScript: Promise<string> | undefined

/** The seeding script (dist/seed.global.js: `seedSession` with the core inside), read once. */
function loadSeedScript(): Promise<string> {
  seedScript ??= (async () => {
    const { readFile } = await import('node:fs/promises')
    // dist/ (production build), dist/development/, and src/e2e/ when run from source after a build.
    for (const candidate of ['./seed.global.js', '../seed.global.js', '../../dist/seed.global.js']) {
      try {
        return await readFile(new URL(candidate, import.meta.url), 'utf8')
      } catch {
        // Not this layout: the next one.
      }
    }
    throw kitError(Error, 'TL814', 'seed.global.js', 'the seeding script is missing from this installation of @tokenlife/testing')
  })()
  return seedScript
}

/**
 * Starts a Playwright test signed in, without going through the app's sign-in screen: on a blank page of the app's
 * origin it runs {@link seedSession}, which signs in through tokenlife itself at the app's login endpoint (the
 * reference server, or a mock server behind {@link routeToMockServer}). Then open the app: it starts signed in.
 * Works in cookie and storage mode; nothing of tokenlife's storage format is written by hand.
 *
 * @example
 * ```ts
 * test('the account page', async ({ page }) => {
 *   await signInForE2E(page, {
 *     url: 'http://localhost:5173/',
 *     loginUrl: '/auth/login',
 *     refreshUrl: '/auth/refresh',
 *     credentials: { email: 'ada@example.com', password: 'correct-horse' },
 *   })
 *   await page.goto('http://localhost:5173/account')
 *   await expect(page.getByText('Signed in as Ada')).toBeVisible()
 * })
 * ```
 */
export async function signInForE2E(page: PlaywrightPage, options: E2eSignInOptions): Promise<SeedResult> {
  let seedUrl: string
  try {
    seedUrl = new URL(SEED_PATH, options.url).href
  } catch {
    throw kitError(TypeError, 'TL815', 'url', describe(options?.url))
  }
  const { url: _url, ...seed } = options
  const blank = (route: PlaywrightRoute) => route.fulfill({ status: 200, contentType: 'text/html', body: '<!doctype html><meta charset="utf-8"><title>tokenlife seed</title>' })
  await page.route(seedUrl, blank)
  try {
    await page.goto(seedUrl)
    await page.addScriptTag({ content: await loadSeedScript() })
    return await page.evaluate(
      (given: SeedOptions) => (globalThis as unknown as { __tokenlifeSeed: { seedSession(o: SeedOptions): Promise<SeedResult> } }).__tokenlifeSeed.seedSession(given),
      seed,
    )
  } catch (error) {
    // The page's error, as Playwright relays it ("page.evaluate: Error: tokenlife: … (TL813: …)\n    at …"): the
    // same error, with its code, thrown here.
    const message = error instanceof Error ? error.message : String(error)
    const seeding = /tokenlife: .*\((TL8\d\d): [^)]*\)/.exec(message)
    throw seeding ? Object.assign(new Error(seeding[0], { cause: error }), { code: seeding[1] }) : error
  } finally {
    await page.unroute(seedUrl, blank)
  }
}

/** Headers of the connection, not of the request: a `Request` made in Node must not copy them. */
const hopByHop = new Set(['host', 'connection', 'content-length', 'keep-alive', 'transfer-encoding'])

/** A CORS preflight's answer: the mock servers take any origin (a provider is always on another origin than the app). */
const preflight = { status: 204, headers: { 'Access-Control-Allow-Origin': '*', 'Access-Control-Allow-Methods': 'GET, POST', 'Access-Control-Allow-Headers': '*', 'Access-Control-Max-Age': '600' } }

/**
 * Answers a browser's requests with mock servers (a `MockAuthServer`, a `MockOidcProvider` from `@tokenlife/testing`) through
 * Playwright's router: no service worker, and the provider's authorization and end-session pages work as
 * navigations. Requests no server matches go on as usual. Returns a function that removes the route.
 *
 * @example
 * ```ts
 * const auth = tokenlifeHandlers({ cookies: 'browser' })   // real cookies in each browser context
 * await routeToMockServer(context, auth)
 * auth.failNextRefresh('unavailable')
 * ```
 */
export async function routeToMockServer(target: PlaywrightRouteTarget, ...servers: RoutedServer[]): Promise<() => Promise<unknown>> {
  if (typeof target?.route !== 'function' || servers.length === 0 || servers.some((server) => typeof server?.handle !== 'function')) {
    throw kitError(TypeError, 'TL815', 'routeToMockServer(target, ...servers)', describe(typeof target?.route === 'function' ? servers : target))
  }
  const handler = async (route: PlaywrightRoute) => {
    const routed = route.request()
    const method = routed.method()
    const data = method === 'GET' || method === 'HEAD' ? null : routed.postDataBuffer()
    const body = data === null ? undefined : new Uint8Array(data).buffer
    const headers = Object.entries(await routed.allHeaders()).filter(([name]) => !hopByHop.has(name.toLowerCase()))
    // A preflight is answered for any path a server answers (asked as the POST it precedes).
    const request = new Request(routed.url(), { method: method === 'OPTIONS' ? 'POST' : method, headers, ...(body && method !== 'OPTIONS' ? { body } : {}) })
    const server = servers.find((candidate) => candidate.matches(request))
    if (!server) return route.fallback()
    if (method === 'OPTIONS') return route.fulfill(preflight)
    let response: Response
    try {
      response = await server.handle(request)
    } catch {
      return route.abort('failed')
    }
    const answer: Record<string, string> = {}
    response.headers.forEach((value, name) => {
      if (name !== 'set-cookie') answer[name] = value
    })
    const cookies = response.headers.getSetCookie()
    if (cookies.length > 0) answer['set-cookie'] = cookies.join('\n')
    return route.fulfill({ status: response.status, headers: answer, body: await response.text() })
  }
  await target.route('**/*', handler)
  return () => target.unroute('**/*', handler)
}

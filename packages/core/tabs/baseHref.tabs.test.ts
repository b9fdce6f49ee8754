import type { AuthClient } from '../src/index'
import type { KyInstance } from 'ky'
import type { Browser, BrowserContext, Page, Request } from 'playwright'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchChromium, openTabs, startTabsServer } from './tabsHarness.mjs'

declare global {
  interface Window {
    auth: AuthClient
    authFetch: typeof fetch
    authHttp: KyInstance
    ready: Promise<void>
  }
}

// An HTML injection (no script needed) of `<base href>` makes every relative URL of the page resolve to another
// origin. The test page's client uses relative endpoints ('/auth/refresh', '/auth/login', '/auth/logout'), so this
// is the worst case: nothing secret may go to the foreign origin, while the page's own origin keeps working.
const EVIL = 'https://evil.example'
const PASSWORD = 'correct horse battery staple'

interface Seen {
  method: string
  url: string
  headers: Record<string, string>
  body: string | null
}

let server: Awaited<ReturnType<typeof startTabsServer>>
let browser: Browser

beforeAll(async () => {
  server = await startTabsServer({ lifetimeSeconds: 60 })
  browser = await launchChromium()
})
afterAll(async () => {
  await browser?.close()
  await server?.close()
})

const record = async (request: Request): Promise<Seen> => ({
  method: request.method(),
  url: request.url(),
  headers: await request.allHeaders(),
  body: request.postData(),
})

/** The refresh token tokenlife keeps in the page's IndexedDB (storage mode). */
const storedRefreshToken = (page: Page) =>
  page.evaluate(
    () =>
      new Promise<string | undefined>((resolve, reject) => {
        const open = indexedDB.open('tokenlife')
        open.onerror = () => reject(open.error)
        open.onsuccess = () => {
          const read = open.result.transaction('session').objectStore('session').get('tokenlife:default:refresh_token')
          read.onsuccess = () => resolve(read.result as string | undefined)
          read.onerror = () => reject(read.error)
        }
      }),
  )

describe('an injected <base href> in real Chromium', () => {
  let context: BrowserContext
  let page: Page
  const atEvil: Seen[] = []
  const atApi: Seen[] = []
  /** Every request the page made, recorded as it was made (its headers are read asynchronously: await them). */
  const recorded: Promise<Seen>[] = []

  beforeAll(async () => {
    context = await browser.newContext()
    // The foreign origin never reaches the network: the route answers for it (CORS open, to see what would be sent).
    await context.route(`${EVIL}/**`, async (route) => {
      atEvil.push(await record(route.request()))
      const origin = (await route.request().headerValue('origin')) ?? '*'
      await route.fulfill({
        status: route.request().method() === 'OPTIONS' ? 204 : 200,
        headers: {
          'Access-Control-Allow-Origin': origin,
          'Access-Control-Allow-Credentials': 'true',
          'Access-Control-Allow-Headers': 'authorization, content-type, x-refresh-token-mode',
          'Access-Control-Allow-Methods': 'GET, POST',
          'Content-Type': 'application/json',
        },
        body: route.request().method() === 'OPTIONS' ? '' : '{}',
      })
    })
    // The app's own API, on the page's origin.
    await context.route(`${server.origin}/api/**`, async (route) => {
      atApi.push(await record(route.request()))
      await route.fulfill({ status: 200, contentType: 'application/json', body: '{}' })
    })
    context.on('request', (request) => void recorded.push(record(request)))
    ;[page] = await openTabs(context, server.origin, 1, { mode: 'storage' })
    await page.evaluate((password) => window.auth.login({ username: 'ada', password }), PASSWORD)
    expect(await page.evaluate(() => window.auth.getState().status)).toBe('authenticated')
    await page.evaluate((href) => {
      const base = document.createElement('base')
      base.href = `${href}/`
      document.head.prepend(base)
    }, EVIL)
    expect(await page.evaluate(() => document.baseURI)).toBe(`${EVIL}/`)
  }, 60_000)
  afterAll(async () => {
    await context?.close()
  })

  it('createAuthFetch(auth) and createAuthHttp(auth) judge the URL they fetch: a relative URL that now points at the foreign origin goes without the token', async () => {
    const outcomes = await page.evaluate(async () => {
      const outcome = (promise: Promise<Response | unknown>) =>
        promise.then(
          (response) => (response instanceof Response ? response.status : 'ok'),
          (error: unknown) => String(error),
        )
      return [
        await outcome(window.authFetch('/api/me')),
        await outcome(window.authFetch(new URL('api/url', document.baseURI))),
        await outcome(window.authFetch(new Request('/api/request'))),
        await outcome(window.authHttp.get('api/ky', { throwHttpErrors: false, retry: 0 })),
      ]
    })
    expect(outcomes).toEqual([200, 200, 200, 200])
    expect(atEvil.map((seen) => new URL(seen.url).pathname).sort()).toEqual(['/api/ky', '/api/me', '/api/request', '/api/url'])
    for (const seen of atEvil) expect(seen.headers.authorization, seen.url).toBeUndefined()
  })

  it("still sends the token to the page's own origin, named absolutely", async () => {
    const token = await page.evaluate(() => window.auth.getState().accessToken)
    await page.evaluate(() => window.authFetch(`${location.origin}/api/own`))
    expect(atApi.map((seen) => [new URL(seen.url).pathname, seen.headers.authorization])).toEqual([['/api/own', `Bearer ${token}`]])
  })

  it('refresh (with the storage-mode refresh token), login (with the password) and logout go to the endpoints fixed at creation', async () => {
    const refreshToken = await storedRefreshToken(page)
    expect(refreshToken).toMatch(/^[0-9a-f]{32}$/)
    const before = server.stats.refreshRequests
    await page.evaluate(() => window.auth.refresh())
    expect(server.stats.refreshRequests).toBe(before + 1)
    await page.evaluate((password) => window.auth.login({ username: 'ada', password }), PASSWORD)
    const accessToken = await page.evaluate(() => window.auth.getState().accessToken)
    const logouts = server.stats.logouts
    await page.evaluate(() => window.auth.logout())
    expect(server.stats.logouts).toBe(logouts + 1)

    // The real server got the secrets...
    const everything = await Promise.all(recorded)
    const toServer = everything.filter((seen) => seen.url.startsWith(`${server.origin}/auth/`))
    expect(toServer.some((seen) => seen.body?.includes(`refresh_token=${refreshToken}`))).toBe(true)
    expect(toServer.some((seen) => seen.body?.includes(PASSWORD))).toBe(true)
    // (logout revokes per RFC 7009: the refresh token in the body, no bearer header)
    expect(toServer.some((seen) => seen.url.endsWith('/auth/logout') && /(^|&)token=/.test(seen.body ?? ''))).toBe(true)
    expect(accessToken).toBeDefined()
    // ...and the foreign origin saw none of them: no auth endpoint, no body, no Authorization header.
    for (const seen of atEvil) {
      expect(new URL(seen.url).pathname.startsWith('/auth')).toBe(false)
      expect(seen.body).toBeNull()
      expect(seen.headers.authorization).toBeUndefined()
    }
    const leaked = everything.filter((seen) => seen.url.startsWith(EVIL)).map((seen) => JSON.stringify(seen))
    for (const secret of [refreshToken!, PASSWORD, accessToken!]) {
      expect(leaked.filter((text) => text.includes(secret))).toEqual([])
    }
  })
})

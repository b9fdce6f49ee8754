import { launchChromium } from '@tokenlife/test-utils/chromium'
import type { Browser, BrowserContext, Page } from 'playwright'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { mockOidcProvider, tokenlifeHandlers } from '../../src/index'
import { routeToMockServer, signInForE2E } from '../../src/e2e'
import { servePages, type Pages } from './pages'

let browser: Browser
let pages: Pages
const contexts: BrowserContext[] = []
const provider = mockOidcProvider({ issuer: 'https://id.tokenlife.test', clientId: 'browser-spa', users: [{ email: 'grace@example.com', password: 'x', claims: { name: 'Grace Hopper' } }] })
const credentials = { email: 'ada@example.com', password: 'correct-horse' }

beforeAll(async () => {
  ;[browser, pages] = await Promise.all([launchChromium(), servePages(provider.issuer)])
})
afterEach(async () => {
  await Promise.all(contexts.splice(0).map((context) => context.close()))
  provider.reset()
})
afterAll(async () => {
  await browser?.close()
  await pages?.close()
})

async function newPage(): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext()
  context.setDefaultTimeout(10_000)
  contexts.push(context)
  return { context, page: await context.newPage() }
}

const status = (page: Page, value: string) => page.locator(`body[data-status=${value}]`).waitFor({ state: 'attached' })

describe('signInForE2E(): an E2E test starts signed in, through tokenlife itself', () => {
  for (const [mode, cookies] of [['cookie', 'model'], ['cookie', 'browser'], ['storage', 'model']] as const) {
    it(`${mode} mode (${cookies} cookies): the app starts signed in without its sign-in screen`, async () => {
      const server = tokenlifeHandlers({ cookies })
      const { context, page } = await newPage()
      await routeToMockServer(context, server)
      const seeded = await signInForE2E(page, { url: pages.url, loginUrl: '/auth/login', refreshUrl: '/auth/refresh', refreshToken: mode, credentials })
      expect(seeded).toMatchObject({ status: 'authenticated', claims: { sub: 'user-1' }, version: expect.stringMatching(/^\d+\.\d+\.\d+/) })
      await page.goto(`${pages.url}/app/?mode=${mode}`)
      await status(page, 'authenticated')
      expect(await page.locator('body').getAttribute('data-sub')).toBe('user-1')
      // One sign-in (the seeding's), then the app's own start: one refresh with what the seeding left.
      expect(server.requests.map((record) => `${record.endpoint}:${record.outcome}`)).toEqual(['login:signed-in', 'refresh:rotated'])
      if (cookies === 'browser') expect((await context.cookies()).map((cookie) => [cookie.name, cookie.httpOnly, cookie.path])).toEqual([['tokenlife_rt', true, '/auth']])
    })
  }

  it('says why when the server refuses the credentials (TL813), and the app starts signed out', async () => {
    const server = tokenlifeHandlers()
    const { context, page } = await newPage()
    await routeToMockServer(context, server)
    const seeding = signInForE2E(page, { url: pages.url, loginUrl: '/auth/login', refreshUrl: '/auth/refresh', credentials: { ...credentials, password: 'wrong' } })
    await expect(seeding).rejects.toMatchObject({ code: 'TL813', message: expect.stringMatching(/^tokenlife: seeding .* the server refused the credentials \(401 invalid_grant\) \(TL813: /) })
    await page.goto(`${pages.url}/app/`)
    await status(page, 'unauthenticated')
  })
})

describe('routeToMockServer(): the mock servers answer a real browser', () => {
  it("the switches reach the page: a 503 at start keeps it loading with the error, then it retries and signs in", async () => {
    const server = tokenlifeHandlers()
    const { context, page } = await newPage()
    const unroute = await routeToMockServer(context, server)
    await signInForE2E(page, { url: pages.url, loginUrl: '/auth/login', refreshUrl: '/auth/refresh', credentials })
    server.failNextRefresh('unavailable', { retryAfterSeconds: 1 })
    await page.goto(`${pages.url}/app/`)
    await page.locator('body[data-error=ServerError]').waitFor({ state: 'attached' })
    expect(await page.locator('body').getAttribute('data-status')).toBe('initializing')
    await status(page, 'authenticated')
    expect(server.requests.map((record) => record.status)).toEqual([200, 503, 200])
    await unroute()
  })

  it('signs in at the mock OpenID Connect provider in Chromium: authorization as a navigation, a signed ID token, end-session', async () => {
    const { context, page } = await newPage()
    await routeToMockServer(context, provider)
    await page.goto(`${pages.url}/oidc/`)
    await status(page, 'unauthenticated')
    await page.evaluate(() => (window as unknown as { oauth: { loginWithRedirect(o: object): Promise<void> } }).oauth.loginWithRedirect({ returnTo: '/oidc/account' }))
    await page.waitForURL(/\/oidc\/callback/)
    await status(page, 'authenticated')
    expect(await page.locator('body').getAttribute('data-user')).toBe('Grace Hopper')
    expect(await page.locator('body').getAttribute('data-return-to')).toBe('/oidc/account')
    expect(provider.count('token', 'code-exchanged')).toBe(1)
    expect(provider.count('jwks')).toBeGreaterThanOrEqual(1)

    await page.evaluate(() => (window as unknown as { oauth: { logout(): Promise<void> } }).oauth.logout())
    await page.waitForURL(`${pages.url}/oidc/`)
    expect(provider.count('revoke', 'revoked')).toBe(1)
    expect(provider.count('endSession')).toBe(1)
    expect(provider.signedInUser).toBeUndefined()
  })
})

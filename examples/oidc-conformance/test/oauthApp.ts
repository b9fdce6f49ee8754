// A single-page app that signs in with @tokenlife/oauth (the built package, bundled for the page), served on its own
// origin next to a real oidc-provider, with an API that accepts the provider's JWT access tokens; driven in Chromium.
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { API, apiVerifier, CLIENT_ID, dpopApi, startProvider, type RunningProvider } from '@tokenlife/example-oidc-provider'
import { launchChromium } from '@tokenlife/test-utils/chromium'
import type * as Tokenlife from '@tokenlife/core'
import type * as OAuth from '@tokenlife/oauth'
import type { Browser, BrowserContext, Page } from 'playwright'
import { pageBundle } from './pageBundle'
import { afterAll, afterEach, beforeAll } from 'vitest'

/** What the page exposes to the test (`window.app`). */
export interface PageApp {
  oauth: OAuth.OAuthClient
  auth: Tokenlife.AuthClient
  events: string[]
  /** The outcome of the callback this page handled, if it is the redirect URI. */
  callback?: { returnTo: string } | { error: Record<string, unknown> }
  callApi(): Promise<number>
}

/** The page: the bundle, then the app, which handles the callback itself unless the tab asked to do it by hand. */
const pageHtml = (issuer: string, dpop: boolean) => `<!doctype html><meta charset="utf-8"><title>app</title>
<script src="/app.js"></script>
<script>
  const { createOAuthClient, createAuthFetch } = window.tokenlife
  const oauth = createOAuthClient({
    issuer: ${JSON.stringify(issuer)},
    clientId: ${JSON.stringify(CLIENT_ID)},
    redirectUri: '/callback',
    postLogoutRedirectUri: location.origin + '/',
    authorizationParams: { resource: ${JSON.stringify(API)}, scope: 'profile email offline_access api:read' },
    dpop: ${dpop},
  })
  const auth = oauth.auth
  const events = []
  auth.onEvent((event) => events.push(event.type))
  const authFetch = createAuthFetch(auth)
  window.app = { oauth, auth, events, callApi: async () => (await authFetch('/api/me')).status }
  auth.start()
  if (location.pathname === '/callback' && sessionStorage.getItem('manual') !== '1') {
    oauth.handleRedirectCallback().then(
      (result) => { window.app.callback = result },
      (error) => { window.app.callback = { error: { name: error.name, ...error, message: error.message, cause: error.cause && { ...error.cause, name: error.cause.name } } } },
    )
  }
</script>
<p>app</p>`

/** Everything one test file runs against. */
export interface OAuthStack {
  op: RunningProvider
  appOrigin: string
  browser: Browser
  /**
   * A new browser profile (its own storage), closed after the test (`'file'`: after the file's last test, for tests
   * that share one session); requests leave only for 127.0.0.1.
   */
  newContext(lifetime?: 'test' | 'file'): Promise<BrowserContext>
  /** With `dpop`: the API, which takes DPoP-bound tokens only and issues its own nonces (see `dpopApi`). */
  api: ReturnType<typeof dpopApi>
}

/** Starts the app's site, the provider and Chromium for a test file. */
export function useOAuthStack(options: { accessTokenTtl?: number; dpop?: { nonces?: boolean } } = {}): OAuthStack {
  const stack = {} as OAuthStack
  let site: Server
  const contexts: BrowserContext[] = []
  const fileContexts: BrowserContext[] = []
  beforeAll(async () => {
    const script = await pageBundle("export * from '@tokenlife/core'; export * from '@tokenlife/oauth'")
    let verify: ReturnType<typeof apiVerifier> | undefined
    site = createServer((request, response) => {
      const path = new URL(request.url ?? '/', 'http://app').pathname
      if (path === '/app.js') return void response.writeHead(200, { 'content-type': 'text/javascript' }).end(script)
      if (path === '/api/me' && options.dpop) {
        // The API: DPoP-bound JWT access tokens of the provider, with their proofs, nothing else.
        stack.api ??= dpopApi(stack.op.issuer)
        const headers = new Headers(Object.entries(request.headers).flatMap(([name, value]) => (typeof value === 'string' ? [[name, value]] : [])))
        return void stack.api.check(new Request(`${stack.appOrigin}${request.url}`, { method: request.method, headers })).then(({ status, sub, headers: answer }) =>
          response.writeHead(status, { 'content-type': 'application/json', ...answer }).end(JSON.stringify(sub ? { sub } : { error: 'refused' })),
        )
      }
      if (path === '/api/me') {
        // The API: accepts the provider's JWT access tokens for it, nothing else.
        verify ??= apiVerifier(stack.op.issuer)
        return void verify(request.headers.authorization).then((sub) =>
          sub ? response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ sub })) : response.writeHead(401).end(),
        )
      }
      response.writeHead(200, { 'content-type': 'text/html' }).end(pageHtml(stack.op.issuer, options.dpop !== undefined))
    })
    await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve))
    stack.appOrigin = `http://127.0.0.1:${(site.address() as AddressInfo).port}`
    stack.op = await startProvider({ appOrigins: [stack.appOrigin], ...(options.accessTokenTtl ? { accessTokenTtl: options.accessTokenTtl } : {}), ...(options.dpop ? { dpop: options.dpop } : {}) })
    stack.browser = await launchChromium()
    stack.newContext = async (lifetime = 'test') => {
      const context = await stack.browser.newContext()
      // A closed network: nothing but this machine (the provider's pages import a web font).
      await context.route(/^(?!http:\/\/127\.0\.0\.1[:/])/, (route) => route.abort())
      ;(lifetime === 'file' ? fileContexts : contexts).push(context)
      return context
    }
  }, 60_000)
  afterEach(async () => {
    for (const context of contexts.splice(0)) await context.close()
    stack.op.rewriteTokenAnswers(undefined)
  })
  afterAll(async () => {
    for (const context of fileContexts.splice(0)) await context.close()
    await stack.browser?.close()
    await stack.op?.close()
    site?.closeAllConnections()
    await new Promise((resolve) => site?.close(resolve))
  })
  return stack
}

/** Opens the app at `path` in a new tab of `context`. */
export async function openApp(stack: OAuthStack, context: BrowserContext, path = '/'): Promise<Page> {
  const page = await context.newPage()
  await page.goto(`${stack.appOrigin}${path}`)
  await page.waitForFunction(() => 'app' in window)
  return page
}

/** Signs in at the provider's login form (the page is on it); resolves when the provider sent it back to the app. */
export async function submitLogin(stack: OAuthStack, page: Page, user = 'ada'): Promise<void> {
  await page.waitForURL((url) => url.href.startsWith(stack.op.issuer))
  await page.fill('input[name=login]', user)
  await page.fill('input[name=password]', 'any password')
  await Promise.all([page.waitForURL((url) => url.href.startsWith(`${stack.appOrigin}/callback`)), page.click('button[type=submit]')])
}

/** Starts a sign-in in `page` (`loginWithRedirect`), through the provider's form, back to the callback. */
export async function loginThroughForm(stack: OAuthStack, page: Page, user = 'ada', options: { manual?: boolean; authorizationParams?: Record<string, string> } = {}): Promise<void> {
  await page.evaluate(({ manual, authorizationParams }) => {
    if (manual) sessionStorage.setItem('manual', '1')
    void (window as unknown as { app: PageApp }).app.oauth.loginWithRedirect({ authorizationParams })
  }, options)
  await submitLogin(stack, page, user)
  await page.waitForFunction(() => 'app' in window)
}

/** The callback's outcome in `page`, once the app handled it. */
export async function callbackOutcome(page: Page): Promise<NonNullable<PageApp['callback']>> {
  await page.waitForFunction(() => (window as unknown as { app?: PageApp }).app?.callback !== undefined)
  return page.evaluate(() => (window as unknown as { app: PageApp }).app.callback!)
}

/** The state of the page's client. */
export function stateOf(page: Page): Promise<Tokenlife.AuthState> {
  return page.evaluate(() => {
    const { status, reason, accessToken, user, idToken } = (window as unknown as { app: PageApp }).app.auth.getState()
    return JSON.parse(JSON.stringify({ status, reason, accessToken, user, idToken })) as Tokenlife.AuthState
  })
}

/**
 * Everything the app stored for the session in this browser profile: the refresh token in IndexedDB, and every
 * `tokenlife` key of the page's sessionStorage except the sign-in transaction.
 */
export function storedSession(page: Page): Promise<{ refreshToken: string | undefined; tabKeys: string[] }> {
  return page.evaluate(async () => {
    const refreshToken = await new Promise<string | undefined>((resolve) => {
      const open = indexedDB.open('tokenlife')
      open.onerror = () => resolve(undefined)
      open.onsuccess = () => {
        const db = open.result
        if (!db.objectStoreNames.contains('session')) return resolve(undefined)
        const read = db.transaction('session').objectStore('session').get('tokenlife:default:refresh_token')
        read.onsuccess = () => resolve(read.result as string | undefined)
        read.onerror = () => resolve(undefined)
      }
    })
    const tabKeys = Object.keys(sessionStorage).filter((key) => key.startsWith('tokenlife') && !key.endsWith(':oauth:transaction'))
    return { refreshToken, tabKeys }
  })
}

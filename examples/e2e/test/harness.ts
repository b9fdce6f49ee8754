// Shared by the end-to-end test files: the example server with both built apps, Debian's Chromium (never a
// downloaded browser), and small helpers that drive either app through the `data-testid`s both carry.
import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { DEMO_USER, startServer, type RunningServer, type StartServerOptions } from '@tokenlife/example-server'
import { launchChromium } from '@tokenlife/test-utils/chromium'
import type { Browser, BrowserContext, ConsoleMessage, Page } from 'playwright'
import { afterAll, afterEach, beforeAll, expect } from 'vitest'

/** Access-token lifetime the test servers issue, seconds. tokenlife refreshes such short tokens at about half-life. */
export const TTL_SECONDS = 4
export const TTL_MS = TTL_SECONDS * 1000

/** Both apps carry the same test ids; every scenario runs against each. */
export const APPS = [
  { name: 'react', path: '/react/' },
  { name: 'vue', path: '/vue/' },
] as const
export type App = (typeof APPS)[number]

/** One user per app for the scenarios that change a password, so the two runs cannot disturb each other. */
export const userFor = (app: App) => ({ email: `${app.name}@e2e.test`, password: `${app.name}-password`, name: `E2E ${app.name}` })

const staticDirs: Record<string, string> = {}
for (const app of APPS) {
  const dir = fileURLToPath(new URL(`../../${app.name}-app/dist`, import.meta.url))
  if (!existsSync(`${dir}/index.html`)) {
    throw new Error(`${dir}/index.html is missing: build the apps first (pnpm run demo:build)`)
  }
  staticDirs[app.path] = dir
}

/** The example server on a free port, serving both builds, with a fixed secret so it can be restarted. */
export function startE2eServer(options: StartServerOptions = {}): Promise<RunningServer> {
  return startServer({
    port: 0,
    accessTokenTtlSeconds: TTL_SECONDS,
    staticDirs,
    jwtSecret: randomBytes(32),
    passwordHashCost: 1024,
    users: [DEMO_USER, ...APPS.map(userFor)],
    ...options,
  })
}

/** What one test file runs against: one server and one Chromium for the file. */
export interface E2eStack {
  /** The running server (a test may replace it, e.g. after a restart; the new one is closed at the end). */
  server: RunningServer
  browser: Browser
  /** A watched browser context (see {@link Watcher.newContext}), closed after the test. */
  newContext(watcher: Watcher): Promise<BrowserContext>
}

/**
 * Registers a test file's lifecycle: starts the server and Chromium before its tests, closes every context a test
 * opened after it, and both at the end.
 */
export function useE2eStack(options: StartServerOptions = {}): E2eStack {
  const contexts: BrowserContext[] = []
  const stack = {
    newContext: async (watcher: Watcher) => {
      const context = await watcher.newContext(stack.browser)
      contexts.push(context)
      return context
    },
  } as E2eStack
  beforeAll(async () => {
    ;[stack.server, stack.browser] = await Promise.all([startE2eServer(options), launchChromium()])
  })
  afterEach(async () => {
    await Promise.all(contexts.splice(0).map((context) => context.close()))
  })
  afterAll(async () => {
    await stack.browser?.close()
    await stack.server?.close()
  })
  return stack
}

export { launchChromium }

// ---- watching pages ----------------------------------------------------------------------------------------------

export interface ConsoleError {
  text: string
  url: string
}

/** What a test saw in its pages: uncaught errors, console errors, and every `/api/` response. */
export class Watcher {
  readonly pageErrors: string[] = []
  readonly consoleErrors: ConsoleError[] = []
  readonly apiResponses: Array<{ url: string; status: number; at: number; page: number }> = []
  readonly apiFailures: Array<{ url: string; failure: string; page: number }> = []
  /** Every access token the server handed out to the watched contexts. */
  readonly issuedAccessTokens = new Set<string>()
  #pages = 0

  /**
   * A new browser context (a device) whose pages are all watched (also ones opened by `window.open`) and record
   * their status changes. Its actions give up after 10 s, so a broken feature fails the test well before its timeout.
   */
  async newContext(browser: Browser): Promise<BrowserContext> {
    const context = await browser.newContext()
    context.setDefaultTimeout(10_000)
    await context.addInitScript(recordStatuses)
    context.on('page', (page) => this.watchPage(page))
    context.on('response', (response) => {
      if (!/\/auth\/(login|refresh|change-password)$/.test(new URL(response.url()).pathname)) return
      if (response.status() !== 200) return
      response
        .json()
        .then((body: { access_token?: unknown }) => {
          if (typeof body.access_token === 'string') this.issuedAccessTokens.add(body.access_token)
        })
        .catch(() => {})
    })
    return context
  }

  watchPage(page: Page): void {
    const index = this.#pages++
    page.on('pageerror', (error) => this.pageErrors.push(`page ${index}: ${error.stack ?? error.message}`))
    page.on('console', (message: ConsoleMessage) => {
      if (message.type() === 'error') this.consoleErrors.push({ text: message.text(), url: message.location().url })
    })
    page.on('response', (response) => {
      if (new URL(response.url()).pathname.startsWith('/api/')) {
        this.apiResponses.push({ url: response.url(), status: response.status(), at: Date.now(), page: index })
      }
    })
    page.on('requestfailed', (request) => {
      if (new URL(request.url()).pathname.startsWith('/api/')) {
        this.apiFailures.push({ url: request.url(), failure: request.failure()?.errorText ?? '?', page: index })
      }
    })
  }

  /**
   * No uncaught page error, and no console error except the browser's note on a refused refresh (the first
   * `POST /auth/refresh` of a fresh visit answers 400: no cookie yet) and whatever `alsoAllowed` accepts.
   */
  expectClean(alsoAllowed: (error: ConsoleError) => boolean = () => false): void {
    expect(this.pageErrors).toEqual([])
    const unexpected = this.consoleErrors.filter((error) => !isRefusedRefresh(error) && !alsoAllowed(error))
    expect(unexpected).toEqual([])
  }
}

const isRefusedRefresh = (error: ConsoleError) =>
  error.url.endsWith('/auth/refresh') && /status of 400\b/.test(error.text)

/** Runs in every page before the app: records each change of the status pill, to prove a status never flickered. */
function recordStatuses() {
  const log: Array<{ status: string | null; at: number }> = []
  Object.defineProperty(window, '__statusLog', { value: log })
  let last: string | null | undefined
  const check = () => {
    const status = document.querySelector('[data-testid=status-pill]')?.getAttribute('data-status') ?? null
    if (status !== last) {
      last = status
      log.push({ status, at: Date.now() })
    }
  }
  new MutationObserver(check).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-status'] })
}

/** The status pill's values since the page loaded, in order (`null`: no pill on the page yet). */
export function statusHistory(page: Page): Promise<Array<{ status: string | null; at: number }>> {
  return page.evaluate(() => (window as unknown as { __statusLog: Array<{ status: string | null; at: number }> }).__statusLog)
}

/** The statuses the page showed at or after `since` (epoch ms), plus the one it was showing then. */
export async function statusesSince(page: Page, since: number): Promise<string[]> {
  const history = await statusHistory(page)
  const before = history.filter((entry) => entry.at < since).at(-1)
  return [...(before ? [before] : []), ...history.filter((entry) => entry.at >= since)].map((entry) => String(entry.status))
}

// ---- driving the apps --------------------------------------------------------------------------------------------

export const statusPill = (page: Page, status: 'authenticated' | 'unauthenticated' | 'initializing') =>
  page.locator(`[data-testid=status-pill][data-status=${status}]`)

export async function waitForStatus(page: Page, status: 'authenticated' | 'unauthenticated', timeout = 15_000) {
  await statusPill(page, status).waitFor({ timeout })
}

/** Opens the app in a new tab of `context` and waits until the client has decided (signed in or not). */
export async function openApp(context: BrowserContext, server: RunningServer, app: App): Promise<Page> {
  const page = await context.newPage()
  await page.goto(`${server.url}${app.path}`)
  await page.locator('[data-testid=status-pill]:not([data-status=initializing])').waitFor({ timeout: 15_000 })
  return page
}

/** Signs in on the sign-in page and waits for the dashboard. */
export async function signIn(page: Page, user: { email: string; password: string } = DEMO_USER): Promise<void> {
  await page.getByTestId('login-form').waitFor()
  await page.getByTestId('login-email').fill(user.email)
  await page.getByTestId('login-password').fill(user.password)
  await page.getByTestId('login-submit').click()
  await waitForStatus(page, 'authenticated')
  await expect.poll(() => page.getByTestId('user-email').textContent()).toBe(user.email)
}

/** When the access token this page holds expires, epoch ms (from the countdown). */
export async function tokenExpiresAt(page: Page): Promise<number> {
  return Number(await page.getByTestId('countdown').getAttribute('data-expires-at', { timeout: 2000 }))
}

/** The event log, oldest first: `type`, plus `reason` / `source` / `cause` when set. */
export function events(page: Page): Promise<Array<{ type: string; detail?: string }>> {
  return page.getByTestId('event-log-entry').evaluateAll((elements) =>
    elements
      .map((element) => {
        const { eventType, reason, source, cause } = (element as HTMLElement).dataset
        const detail = reason ?? source ?? cause
        return { type: String(eventType), ...(detail ? { detail } : {}) }
      })
      .reverse(),
  )
}

/** Turns the app's "every 5 s" API poll off, so a scenario decides alone when the API is called. */
export async function stopApiPoll(page: Page): Promise<void> {
  const poll = page.getByTestId('api-poll')
  if (await poll.isChecked()) await poll.uncheck()
}

/** The refresh requests the server logged at or after `since` (epoch ms). */
export function refreshesSince(server: RunningServer, since: number) {
  return server.stats.refreshLog.filter((entry) => entry.at >= since)
}

/**
 * Everything a signed-out tab could still hold of the session, for asserting that nothing is left: every
 * `tokenlife:*` key of localStorage and sessionStorage, what the `tokenlife` IndexedDB store holds, and the DOM.
 */
export function storedSession(page: Page) {
  return page.evaluate(async () => {
    const webStorage = (storage: Storage) =>
      Object.fromEntries(
        Object.keys(storage)
          .filter((key) => key.startsWith('tokenlife:'))
          .map((key) => [key, storage.getItem(key) ?? '']),
      )
    const indexedDbEntries = async (): Promise<unknown[] | null> => {
      const names = (await indexedDB.databases()).map((database) => database.name)
      if (!names.includes('tokenlife')) return null
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const request = indexedDB.open('tokenlife')
        request.onsuccess = () => resolve(request.result)
        request.onerror = () => reject(request.error)
      })
      try {
        if (!db.objectStoreNames.contains('session')) return []
        return await new Promise<unknown[]>((resolve, reject) => {
          const request = db.transaction('session', 'readonly').objectStore('session').getAll()
          request.onsuccess = () => resolve(request.result)
          request.onerror = () => reject(request.error)
        })
      } finally {
        db.close()
      }
    }
    return {
      localStorage: webStorage(localStorage),
      sessionStorage: webStorage(sessionStorage),
      indexedDb: await indexedDbEntries(),
      html: document.documentElement.outerHTML,
    }
  })
}

/** Something shaped like a JWT (three base64url parts, the first a JSON header). */
export const JWT_PATTERN = /eyJ[\w-]+\.[\w-]+\.[\w-]+/

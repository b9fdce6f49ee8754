// Scenarios 2 and 3: five tabs of one browser share one session: one refresh per due time reaches the server, new
// tabs adopt the session from their siblings, and a logout in one tab signs every tab out and leaves nothing behind.
import type { BrowserContext, Page } from 'playwright'
import { describe, expect, test } from 'vitest'
import {
  APPS,
  events,
  JWT_PATTERN,
  openApp,
  refreshesSince,
  signIn,
  statusesSince,
  storedSession,
  TTL_MS,
  waitForStatus,
  Watcher,
  type App,
  useE2eStack,
} from './harness'

const stack = useE2eStack()

/** Signs in in a first tab, then opens four more tabs of the same context, each of which must find the session. */
async function fiveTabs(
  app: App,
  watcher: Watcher,
): Promise<{ context: BrowserContext; tabs: Page[]; signedInAt: number; openedAt: number }> {
  const context = await stack.newContext(watcher)
  const first = await openApp(context, stack.server, app)
  await signIn(first)
  const signedInAt = Date.now()
  const tabs = [first]
  for (let i = 1; i < 5; i++) {
    const tab = await openApp(context, stack.server, app)
    await waitForStatus(tab, 'authenticated')
    tabs.push(tab)
  }
  return { context, tabs, signedInAt, openedAt: Date.now() }
}

/** Refresh requests closer together than this are two requests for one due refresh (one tab refreshes at ~half-life). */
const SAME_DUE_TIME_MS = 0.3 * TTL_MS

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

function gaps(times: number[]): number[] {
  return times.slice(1).map((time, i) => time - times[i]!)
}

describe.each(APPS)('$name app', (app) => {
  test('five tabs: new tabs adopt the session, one refresh per due time reaches the server, no reuse', async () => {
    const watcher = new Watcher()
    const { tabs, signedInAt, openedAt } = await fiveTabs(app, watcher)

    // Start-up: the four new tabs took the session from a sibling, not from the server.
    for (const tab of tabs.slice(1)) {
      const started = (await events(tab)).filter((event) => event.type === 'session-started')
      expect(started[0]).toEqual({ type: 'session-started', detail: 'tab' })
    }
    const duringStartUp = refreshesSince(stack.server, signedInAt)
    // At most the refreshes one tab would have made on schedule while the tabs opened.
    expect(duringStartUp.length).toBeLessThanOrEqual(Math.floor((openedAt - signedInAt) / (0.4 * TTL_MS)) + 1)

    // Live through at least two lifetimes and two refreshes with all five tabs open: that is the scenario. (Load can
    // only delay a refresh; the bounds below count from the time that really passed.)
    const watchFrom = Date.now()
    await tabs[0]!.waitForTimeout(2 * TTL_MS)
    await expect.poll(() => refreshesSince(stack.server, watchFrom).length, { timeout: 30 * TTL_MS }).toBeGreaterThanOrEqual(2)
    const watchTo = Date.now()
    const watched = stack.server.stats.refreshLog.filter((entry) => entry.at >= watchFrom && entry.at <= watchTo)

    // One tab's worth of refreshes: about two per lifetime (at ~half-life), never two for the same due time.
    expect(watched.length).toBeGreaterThanOrEqual(2)
    expect(watched.length).toBeLessThanOrEqual(Math.ceil((watchTo - watchFrom) / (0.4 * TTL_MS)) + 1)
    const all = refreshesSince(stack.server, signedInAt)
    for (const gap of gaps(all.map((entry) => entry.at))) expect(gap).toBeGreaterThan(SAME_DUE_TIME_MS)
    expect(all.filter((entry) => entry.outcome !== 'success')).toEqual([])
    expect(new Set(all.map((entry) => entry.familyId)).size).toBe(1)
    expect(stack.server.stats.reuseDetected).toBe(0)

    // Every tab stayed signed in and holds the same, current token.
    for (const tab of tabs) expect(await statusesSince(tab, openedAt)).toEqual(['authenticated'])
    await expect
      .poll(async () => new Set(await Promise.all(tabs.map((tab) => tab.getByTestId('access-token').textContent()))).size)
      .toBe(1)
    watcher.expectClean()
  })

  test('logout in one tab signs out every tab, which keep no token anywhere', async () => {
    const watcher = new Watcher()
    const { context, tabs } = await fiveTabs(app, watcher)
    const shown = await Promise.all(tabs.map((tab) => tab.getByTestId('access-token').textContent()))
    const logoutsBefore = stack.server.stats.logouts

    const clickedAt = Date.now()
    await tabs[0]!.getByTestId('logout').click()
    for (const tab of tabs) await waitForStatus(tab, 'unauthenticated', 5000)
    const reasons = () => Promise.all(tabs.map((tab) => tab.getByTestId('signed-out-reason').getAttribute('data-reason')))
    await expect.poll(async () => (await reasons()).every((reason) => reason !== null)).toBe(true)
    const diagnosis = async () =>
      JSON.stringify({
        events: await Promise.all(tabs.map(async (tab) => (await events(tab)).slice(-5))),
        refreshLog: refreshesSince(stack.server, clickedAt - 3000).map((entry) => ({ ...entry, at: entry.at - clickedAt })),
      })
    expect(await reasons(), await diagnosis()).toEqual(tabs.map(() => 'logout'))
    expect(stack.server.stats.logouts - logoutsBefore).toBe(1)

    const tokens = [...new Set([...watcher.issuedAccessTokens, ...shown.map(String)])]
    expect(tokens.length).toBeGreaterThanOrEqual(1)
    for (const tab of tabs) {
      await expect(tab.getByTestId('access-token').count()).resolves.toBe(0)
      const stored = await storedSession(tab)
      for (const value of [...Object.values(stored.localStorage), ...Object.values(stored.sessionStorage)]) {
        // Only the non-secret "ended" mark (when and why) may stay, so a tab opened later knows the session ended.
        expect(Object.keys(parseJson(value) as object).sort(), value).toEqual(['at', 'reason'])
        expect(value).not.toMatch(JWT_PATTERN)
        for (const token of tokens) expect(value).not.toContain(token)
      }
      expect(stored.indexedDb ?? []).toEqual([])
      for (const token of tokens) expect(stored.html).not.toContain(token)
      expect(stored.html).not.toMatch(JWT_PATTERN)
    }
    // The refresh cookie is gone too.
    expect((await context.cookies()).map((cookie) => cookie.name)).not.toContain('tokenlife_rt')
    watcher.expectClean()
  })
})

import type { BrowserContext, Page } from 'playwright'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openTabs } from './tabsHarness.mjs'
import { stateOf, useTabsStack } from './tabsStack'

const LIFETIME_S = 3
const stack = useTabsStack(LIFETIME_S)

/** Waits (real time, generously: only a broken engine would need it all) until `condition()` holds. */
const waitFor = (condition: () => boolean) => expect.poll(condition, { timeout: 60_000, interval: 20 }).toBe(true)

/** Everything tokenlife could have left in a tab's storage, read with the raw browser APIs. */
const storedByTokenlife = (page: Page) =>
  page.evaluate(async () => {
    const keys = (storage: Storage) => Object.keys(storage).filter((key) => key.startsWith('tokenlife:'))
    const values = (storage: Storage) => keys(storage).map((key) => storage.getItem(key) ?? '')
    const databases = (await indexedDB.databases()).map((database) => database.name)
    let idbValues: unknown[] = []
    if (databases.includes('tokenlife')) {
      idbValues = await new Promise((resolve, reject) => {
        const open = indexedDB.open('tokenlife')
        open.onerror = () => reject(open.error)
        open.onsuccess = () => {
          const db = open.result
          if (!db.objectStoreNames.contains('session')) return resolve([])
          const all = db.transaction('session').objectStore('session').getAll()
          all.onsuccess = () => resolve(all.result)
          all.onerror = () => reject(all.error)
        }
      })
    }
    const state = window.auth.getState()
    return { local: values(localStorage), session: values(sessionStorage), idbValues, memoryToken: state.accessToken }
  })

describe.each([
  { locks: 'on', channel: 'native', label: 'Web Locks, native BroadcastChannel' },
  { locks: 'off', channel: 'native', label: 'no Web Locks (broadcast-channel leader election)' },
  { locks: 'off', channel: 'library', label: 'neither (broadcast-channel over IndexedDB, leader election)' },
] as const)('cross-tab in real Chromium: $label', ({ locks, channel }) => {
  let context: BrowserContext
  let tabs: Page[]

  beforeAll(async () => {
    context = await stack.browser.newContext()
    // Refresh exactly at expiry, never spread: every tab's timer fires at the same moment, the worst case.
    const timing = { marginRatio: 0, minMarginMs: 0, spreadRatio: 0, minValidityMs: 0 }
    tabs = await openTabs(context, stack.server.origin, 5, { mode: 'storage', locks, channel, timing })
  }, 60_000)
  afterAll(async () => {
    await context?.close()
  })

  // Over the broadcast-channel library (which may keep messages on disk) tabs never send each other a token: each
  // gets its own from the server, under the lock, so there are as many tokens (and refreshes) as tabs.
  const shares = channel !== 'library'

  it(shares ? 'five tabs that wake together make one refresh request per token lifetime' : 'five tabs share no token: each refreshes its own under the lock, with no reuse', async () => {
    if (locks === 'off') expect(await tabs[0]!.evaluate(() => navigator.locks)).toBeUndefined()
    if (channel === 'library') expect(await tabs[0]!.evaluate(() => typeof window.BroadcastChannel)).toBe('undefined')
    await tabs[0]!.evaluate(() => window.auth.login({ username: 'demo', password: 'x' }))
    // Native BroadcastChannel delivers in well under a millisecond; the library's IndexedDB transport polls.
    for (const tab of tabs) {
      await tab.waitForFunction(() => window.auth.getState().status === 'authenticated', undefined, { timeout: 30_000 })
    }
    const states = await Promise.all(tabs.map(stateOf))
    expect(states.every((state) => state.status === 'authenticated')).toBe(true)
    expect(new Set(states.map((state) => state.accessToken)).size).toBe(shares ? 1 : tabs.length)

    // Two lifetimes' worth of refreshes, however late a loaded machine fires the timers. Load can only delay a
    // refresh, never add one: each request must come a whole lifetime after the newest token was issued (the timing
    // refreshes at expiry, without margin or jitter), so there is at most one per lifetime.
    stack.server.resetStats()
    const started = Date.now()
    const wanted = shares ? 2 : 2 * tabs.length
    await waitFor(() => stack.server.stats.refreshRequests >= wanted)
    expect(stack.server.stats.reuseDetected).toBe(0)
    if (!shares) {
      // Each tab refreshes its own token: at most one request per tab for every lifetime begun since the reset.
      const lifetimes = Math.ceil((Date.now() - started) / (LIFETIME_S * 1000)) + 1
      expect(stack.server.stats.refreshRequests).toBeLessThanOrEqual(tabs.length * lifetimes)
    } else {
      for (const { at, newestIssuedAt } of stack.server.stats.refreshLog) expect(at - newestIssuedAt).toBeGreaterThanOrEqual(LIFETIME_S * 1000 - 50)
      // Every tab converges on the one new token (at once over a native channel; the library's transport polls).
      await expect
        .poll(async () => new Set((await Promise.all(tabs.map(stateOf))).map((state) => state.accessToken)).size, { timeout: 30_000 })
        .toBe(1)
    }
    // One request per tab per lifetime at most (every tab refreshes its own when no token travels), all under the
    // lock; every tab keeps its session.
    const after = await Promise.all(tabs.map(stateOf))
    expect(after.every((state) => state.status === 'authenticated')).toBe(true)
    expect(stack.server.stats.reuseDetected).toBe(0)
  }, 120_000)

  // Only a browser with Web Locks has lock names to publish in (the election port has no query).
  if (locks === 'on') {
    it('the newest session is published in the name of a Web Lock a tab holds (what the next lock holder reads)', async () => {
      const held = await tabs[3]!.evaluate(async () => ((await navigator.locks.query()).held ?? []).map((lock) => lock.name ?? ''))
      expect(held.filter((name) => name.startsWith('tokenlife:default:newest:')).length).toBeGreaterThan(0)
    })
  }

  it('logout in one tab signs every tab out and leaves no token in memory, localStorage, sessionStorage or IndexedDB', async () => {
    expect((await storedByTokenlife(tabs[2]!)).idbValues.length).toBeGreaterThan(0)
    await tabs[0]!.evaluate(() => window.auth.logout())
    for (const tab of tabs) {
      await tab.waitForFunction(() => window.auth.getState().status === 'unauthenticated', undefined, { timeout: 30_000 })
      expect(await stateOf(tab)).toEqual({ status: 'unauthenticated', reason: 'logout' })
      const stored = await storedByTokenlife(tab)
      expect(stored.memoryToken).toBeUndefined()
      expect(stored.idbValues).toEqual([])
      expect(stored.session).toEqual([])
      // Only the non-secret "ended" mark may remain (when and why the session ended).
      for (const value of stored.local) expect(Object.keys(JSON.parse(value)).sort()).toEqual(['at', 'reason'])
      for (const value of stored.local) expect(JSON.parse(value)).toMatchObject({ reason: 'logout' })
    }
    expect(stack.server.stats.logouts).toBe(1)
  }, 30_000)
})

import type { BrowserContext, Page } from 'playwright'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openTabs } from './tabsHarness.mjs'
import { stateOf, useTabsStack } from './tabsStack'

// Long-lived tokens: nothing refreshes on its own during these tests; every request is one the test caused.
const LIFETIME_S = 600
const stack = useTabsStack(LIFETIME_S)

const everyTab = async (tabs: Page[], status: string) => {
  for (const tab of tabs) {
    await tab.waitForFunction((wanted) => window.auth.getState().status === wanted, status, { timeout: 5_000 })
  }
}
const sameToken = async (tabs: Page[]) =>
  expect
    .poll(async () => new Set((await Promise.all(tabs.map(stateOf))).map((state) => state.accessToken)).size, { timeout: 5_000 })
    .toBe(1)
/** The rotated refresh tokens the server saw more than once (each one a reuse it punished). */
const presentedTwice = () => stack.server.stats.presented.filter((token, index) => stack.server.stats.presented.indexOf(token) !== index)

/** Five tabs in a new browser context, signed in from the first, for the tests of one `describe`; closed after. */
function signedInTabs(options: Parameters<typeof openTabs>[3], ready: (tabs: Page[], context: BrowserContext) => void) {
  let context: BrowserContext | undefined
  beforeAll(async () => {
    context = await stack.browser.newContext()
    const tabs = await openTabs(context, stack.server.origin, 5, options)
    await tabs[0]!.evaluate(() => window.auth.login({ username: 'demo', password: 'x' }))
    await everyTab(tabs, 'authenticated')
    ready(tabs, context)
  }, 60_000)
  afterAll(async () => {
    stack.server.setRefreshDelay(0)
    await context?.close()
  })
}

declare global {
  interface Window {
    /** What the call a test started in this tab came to (a state's status, an HTTP status, or the error). */
    outcome: Promise<unknown>
  }
}

/**
 * Starts `call` in every tab while the server holds its refresh answers, waits until every tab has made its call and
 * the server has a refresh request in hand, then lets the answers go (250 ms later, a slow server): every call was
 * made while the refresh was on the wire, however slowly the machine runs. Resolves with each tab's outcome.
 */
async function allAtOnce(tabs: Page[], call: () => void): Promise<unknown[]> {
  const before = stack.server.stats.refreshRequests
  const release = stack.server.holdRefreshes()
  try {
    await Promise.all(tabs.map((tab) => tab.evaluate(call)))
    await expect.poll(() => stack.server.stats.refreshRequests, { timeout: 30_000 }).toBeGreaterThan(before)
  } finally {
    release()
  }
  return Promise.all(tabs.map((tab) => tab.evaluate(() => window.outcome)))
}

/**
 * `refresh()` in every tab at once, `rounds` times, while the first request is on the wire (answered 250 ms after
 * every tab has called): every tab ends each round with the same new token, the server sees one request a round, and
 * no refresh token twice.
 */
async function refreshStorm(tabs: Page[], rounds: number) {
  stack.server.resetStats()
  stack.server.setRefreshDelay(250)
  const perRound: number[] = []
  for (let round = 0; round < rounds; round++) {
    const before = stack.server.stats.refreshRequests
    const outcomes = await allAtOnce(tabs, () => {
      window.outcome = window.auth.refresh().then((state) => state.status, (error: unknown) => String(error))
    })
    expect(outcomes).toEqual(tabs.map(() => 'authenticated'))
    perRound.push(stack.server.stats.refreshRequests - before)
    await sameToken(tabs)
  }
  expect(perRound).toEqual(perRound.map(() => 1))
  expect(stack.server.stats.reuseDetected).toBe(0)
  expect(presentedTwice()).toEqual([])
}

describe.each(['cookie', 'storage'] as const)('five real Chromium tabs, %s mode, a strict rotating server', (mode) => {
  let tabs: Page[]
  let context: BrowserContext
  signedInTabs({ mode, persist: 'session' }, (opened, openedIn) => {
    tabs = opened
    context = openedIn
  })

  it('refresh storm: refresh() in every tab while the first request is on the wire, 20 rounds: one request a round, no reuse', async () => {
    await refreshStorm(tabs, 20)
  }, 120_000)

  it('401 wave: the API refuses the current token, every tab calls createAuthFetch(auth) at once: all succeed after one refresh, no reuse', async () => {
    stack.server.resetStats()
    stack.server.setRefreshDelay(250)
    stack.server.rejectIssuedTokens()
    const statuses = await allAtOnce(tabs, () => {
      window.outcome = window.authFetch('/api/me').then((response) => response.status, (error: unknown) => String(error))
    })
    expect(statuses).toEqual(tabs.map(() => 200))
    expect(stack.server.stats.apiRefusals).toBeGreaterThanOrEqual(1)
    expect(stack.server.stats.refreshRequests).toBe(1)
    expect(stack.server.stats.reuseDetected).toBe(0)
    await sameToken(tabs)
  }, 60_000)

  it('a tab restored with its sessionStorage after a logout elsewhere stays signed out, and so does every tab', async () => {
    stack.server.setRefreshDelay(0)
    const closing = tabs.pop()!
    const saved = await closing.evaluate(() =>
      Object.fromEntries(Object.keys(sessionStorage).filter((key) => key.startsWith('tokenlife:')).map((key) => [key, sessionStorage.getItem(key)!])),
    )
    expect(Object.keys(saved).length).toBe(1)
    await closing.close()
    await tabs[0]!.evaluate(() => window.auth.logout())
    await everyTab(tabs, 'unauthenticated')

    const [restored] = await openTabs(context, stack.server.origin, 1, { mode, persist: 'session', sessionStorage: saved })
    tabs.push(restored!)
    await new Promise((resolve) => setTimeout(resolve, 1_000))
    for (const tab of tabs) expect((await stateOf(tab)).status).toBe('unauthenticated')
    expect(await restored!.evaluate(() => Object.keys(sessionStorage).filter((key) => key.startsWith('tokenlife:')))).toEqual([])
  }, 60_000)
})

describe('listeners that call back into the client, in real Chromium', () => {
  let context: BrowserContext
  let tab: Page

  beforeAll(async () => {
    context = await stack.browser.newContext()
    ;[tab] = await openTabs(context, stack.server.origin, 1, { mode: 'storage' })
  }, 60_000)
  afterAll(async () => {
    await context?.close()
  })

  it('a subscriber that logs out during setTokens(): setTokens returns, the state ends signed out, no refresh token is left in IndexedDB', async () => {
    const outcome = await tab!.evaluate(async () => {
      const b64 = (value: object) => btoa(JSON.stringify(value)).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_')
      const now = Math.floor(Date.now() / 1000)
      const accessToken = `${b64({ alg: 'none' })}.${b64({ sub: 'app', iat: now, exp: now + 600 })}.sig`
      const unsubscribe = window.auth.subscribe((state) => {
        if (state.status === 'authenticated') void window.auth.logout()
      })
      let returned: string
      try {
        returned = window.auth.setTokens({ accessToken, refreshToken: 'rt-from-the-app' }).status
      } catch (error) {
        returned = `threw ${String(error)}`
      }
      await new Promise((resolve) => setTimeout(resolve, 500))
      unsubscribe()
      const stored = await new Promise<unknown[]>((resolve) => {
        const open = indexedDB.open('tokenlife')
        open.onsuccess = () => {
          const db = open.result
          if (!db.objectStoreNames.contains('session')) return resolve([])
          const all = db.transaction('session').objectStore('session').getAll()
          all.onsuccess = () => resolve(all.result)
        }
        open.onerror = () => resolve(['cannot open'])
      })
      return { returned, state: window.auth.getState(), stored }
    })
    expect(outcome.returned).toBe('authenticated')
    expect(outcome.state).toEqual({ status: 'unauthenticated', reason: 'logout' })
    expect(outcome.stored).toEqual([])
  }, 30_000)
})

describe('five real Chromium tabs without Web Locks (the broadcast-channel leader election), storage mode', () => {
  let tabs: Page[]
  signedInTabs({ mode: 'storage', locks: 'off' }, (opened) => (tabs = opened))

  it('refresh storm: refresh() in every tab while the first request is on the wire, 5 rounds: one request a round, no reuse', async () => {
    expect(await tabs[0]!.evaluate(() => navigator.locks)).toBeUndefined()
    await refreshStorm(tabs, 5)
  }, 120_000)
})

import type { BrowserContext, Page } from 'playwright'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openTabs } from './tabsHarness.mjs'
import { stateOf, useTabsStack } from './tabsStack'

// Long-lived tokens: nothing refreshes on its own; every request is one the test caused.
const stack = useTabsStack(600)
// requestTimeoutMs bounds how long the next sender waits for the answer a page left on the wire.
const tabOptions = { mode: 'cookie', timing: { requestTimeoutMs: 3_000 } } as const

describe('a page that goes while its refresh is on the wire (real Chromium, cookie mode, a strict rotating server)', () => {
  let context: BrowserContext
  beforeEach(async () => {
    context = await stack.browser.newContext()
  })
  afterEach(async () => {
    stack.server.setRefreshDelay(0)
    await context.close()
  })

  /** A signed-in tab whose refresh the server has received (and rotated) and answers `delayMs` later. */
  async function refreshOnTheWire(delayMs: number): Promise<Page> {
    const [tab] = await openTabs(context, stack.server.origin, 1, tabOptions)
    await tab!.evaluate(() => window.auth.login({ username: 'demo', password: 'x' }))
    stack.server.resetStats()
    stack.server.setRefreshDelay(delayMs)
    await tab!.evaluate(() => void window.auth.refresh().catch(() => {}))
    await expect.poll(() => stack.server.stats.refreshRequests, { timeout: 30_000 }).toBe(1)
    return tab!
  }

  /** The page that came next is signed in with one more refresh, and the server saw no refresh token twice. */
  async function expectKeptWithoutReuse(next: Page) {
    expect((await stateOf(next)).status).toBe('authenticated')
    expect(stack.server.stats.refreshRequests).toBe(2)
    expect(stack.server.stats.reuseDetected).toBe(0)
  }

  it('closed: the rotated cookie still lands; the next tab refreshes with it, no reuse, still signed in', async () => {
    const tab = await refreshOnTheWire(400)
    await tab.close()
    // The server answers the closed page's keepalive request (the browser still applies its cookie).
    await expect.poll(() => stack.server.stats.refreshesAnswered, { timeout: 30_000 }).toBe(1)
    stack.server.setRefreshDelay(0)
    const [next] = await openTabs(context, stack.server.origin, 1, tabOptions)
    await expectKeptWithoutReuse(next!)
  }, 60_000)

  it("closed, and the next page does not see the sending mark (localStorage reaches other processes late): the record in IndexedDB still makes it wait; no reuse", async () => {
    // The answer comes 2 s after the request (requestTimeoutMs is 3 s): the next page starts well before it.
    const tab = await refreshOnTheWire(2_000)
    await tab.close()
    stack.server.setRefreshDelay(0)
    // The next page reads localStorage as if the closed page's mark had not reached its process yet.
    await context.addInitScript(() => {
      const getItem = Storage.prototype.getItem
      Storage.prototype.getItem = function (key: string) {
        return key.endsWith(':sending') ? null : getItem.call(this, key)
      }
    })
    const [next] = await openTabs(context, stack.server.origin, 1, tabOptions)
    await expectKeptWithoutReuse(next!)
  }, 60_000)

  it('reloaded: the new page waits for the answer the old one left on the wire, then refreshes with its cookie; no reuse', async () => {
    const tab = await refreshOnTheWire(1_000)
    // The reloaded page starts (and would refresh) while the old page's answer is still 1 s away.
    await tab.reload()
    await tab.waitForFunction(() => window.ready !== undefined)
    await tab.evaluate(() => window.ready)
    await expectKeptWithoutReuse(tab)
  }, 60_000)
})

import { describe, expect, it } from 'vitest'
import { openTabs } from './tabsHarness.mjs'
import { stateOf, useTabsStack } from './tabsStack'

// Long-lived tokens: nothing refreshes on its own; every request is one the test caused.
const stack = useTabsStack(600)
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

describe('a tab closed while its refresh is on the wire (real Chromium, cookie mode, a strict rotating server)', () => {
  it('the rotated cookie still lands: the next tab refreshes with it, no reuse, still signed in', async () => {
    const context = await stack.browser.newContext()
    try {
      const [tab] = await openTabs(context, stack.server.origin, 1, { mode: 'cookie' })
      await tab!.evaluate(() => window.auth.login({ username: 'demo', password: 'x' }))
      stack.server.resetStats()
      // The server rotates at once and answers 400 ms later; the tab is gone by then.
      stack.server.setRefreshDelay(400)
      await tab!.evaluate(() => void window.auth.refresh().catch(() => {}))
      await expect.poll(() => stack.server.stats.refreshRequests, { timeout: 5_000 }).toBe(1)
      await tab!.close()
      await sleep(1_000)
      stack.server.setRefreshDelay(0)

      const [next] = await openTabs(context, stack.server.origin, 1, { mode: 'cookie' })
      expect((await stateOf(next!)).status).toBe('authenticated')
      expect(stack.server.stats.refreshRequests).toBe(2)
      expect(stack.server.stats.reuseDetected).toBe(0)
    } finally {
      stack.server.setRefreshDelay(0)
      await context.close()
    }
  }, 60_000)
})

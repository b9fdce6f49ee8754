import { describe, expect, it } from 'vitest'
import { openTabs } from './tabsHarness.mjs'
import { stateOf, useTabsStack } from './tabsStack'

// Long-lived tokens: nothing refreshes on its own; every request is one the test caused.
const stack = useTabsStack(600)
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

describe('a page that goes while its refresh is on the wire (real Chromium, cookie mode, a strict rotating server)', () => {
  it('closed: the rotated cookie still lands; the next tab refreshes with it, no reuse, still signed in', async () => {
    const context = await stack.browser.newContext()
    try {
      // requestTimeoutMs bounds how long the next tab waits for the answer the closed one left on the wire.
      const [tab] = await openTabs(context, stack.server.origin, 1, { mode: 'cookie', timing: { requestTimeoutMs: 3_000 } })
      await tab!.evaluate(() => window.auth.login({ username: 'demo', password: 'x' }))
      stack.server.resetStats()
      // The server rotates at once and answers 400 ms later; the tab is gone by then.
      stack.server.setRefreshDelay(400)
      await tab!.evaluate(() => void window.auth.refresh().catch(() => {}))
      await expect.poll(() => stack.server.stats.refreshRequests, { timeout: 5_000 }).toBe(1)
      await tab!.close()
      await sleep(1_000)
      stack.server.setRefreshDelay(0)

      const [next] = await openTabs(context, stack.server.origin, 1, { mode: 'cookie', timing: { requestTimeoutMs: 3_000 } })
      expect((await stateOf(next!)).status).toBe('authenticated')
      expect(stack.server.stats.refreshRequests).toBe(2)
      expect(stack.server.stats.reuseDetected).toBe(0)
    } finally {
      stack.server.setRefreshDelay(0)
      await context.close()
    }
  }, 60_000)

  it('reloaded: the new page waits for the answer the old one left on the wire, then refreshes with its cookie; no reuse', async () => {
    const context = await stack.browser.newContext()
    try {
      // requestTimeoutMs bounds how long the new page waits for the old page's answer.
      const [tab] = await openTabs(context, stack.server.origin, 1, { mode: 'cookie', timing: { requestTimeoutMs: 3_000 } })
      await tab!.evaluate(() => window.auth.login({ username: 'demo', password: 'x' }))
      stack.server.resetStats()
      stack.server.setRefreshDelay(1_000)
      await tab!.evaluate(() => void window.auth.refresh().catch(() => {}))
      await expect.poll(() => stack.server.stats.refreshRequests, { timeout: 5_000 }).toBe(1)
      // The reloaded page starts (and would refresh) while the old page's answer is still 1 s away.
      await tab!.reload()
      await tab!.waitForFunction(() => window.ready !== undefined)
      await tab!.evaluate(() => window.ready)
      expect((await stateOf(tab!)).status).toBe('authenticated')
      expect(stack.server.stats.refreshRequests).toBe(2)
      expect(stack.server.stats.reuseDetected).toBe(0)
    } finally {
      stack.server.setRefreshDelay(0)
      await context.close()
    }
  }, 60_000)
})

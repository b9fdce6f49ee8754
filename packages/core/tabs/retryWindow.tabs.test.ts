import type { BrowserContext } from 'playwright'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openTabs } from './tabsHarness.mjs'
import { stateOf, useTabsStack } from './tabsStack'

// A server with a 60 s retry window, which says so in `Tokenlife-Retry-Window`. Long-lived tokens: nothing
// refreshes on its own; every request is one the test caused.
const stack = useTabsStack(600, { retryWindowSeconds: 60 })
// The old page's answer is held (up to 20 s); without the retry window the reloaded page would wait out
// requestTimeoutMs (25 s) after the old page's request left. A page signed in while that answer is still held can
// only have sent at once.
const HELD_ANSWER_MS = 20_000
const tabOptions = (mode: 'cookie' | 'storage') => ({ mode, timing: { requestTimeoutMs: 25_000 } }) as const

describe.each(['cookie', 'storage'] as const)('%s mode: a page reloaded mid-refresh, against a server with a retry window (real Chromium)', (mode) => {
  let context: BrowserContext
  beforeEach(async () => {
    context = await stack.browser.newContext()
  })
  afterEach(async () => {
    stack.server.setRefreshDelay(0)
    stack.server.releaseHeldAnswers()
    await context.close()
  })

  it('the reloaded page sends at once, gets the same successor, and is signed in before the old answer comes; no reuse', async () => {
    const [tab] = await openTabs(context, stack.server.origin, 1, tabOptions(mode))
    await tab!.evaluate(() => window.auth.login({ username: 'demo', password: 'x' }))
    stack.server.resetStats()
    stack.server.setRefreshDelay(HELD_ANSWER_MS)
    await tab!.evaluate(() => void window.auth.refresh().catch(() => {}))
    // The server has rotated; its answer is held. Answers after this one are not.
    await expect.poll(() => stack.server.stats.refreshRequests, { timeout: 5_000 }).toBe(1)
    stack.server.setRefreshDelay(0)

    await tab!.reload()
    await tab!.waitForFunction(() => window.ready !== undefined)
    await tab!.evaluate(() => window.ready)
    expect((await stateOf(tab!)).status).toBe('authenticated')
    expect(stack.server.stats.heldAnswers).toBe(1)
    // The reloaded page presented the token the held answer replaces: the server answered it again.
    expect(stack.server.stats.replays).toBe(1)
    expect(stack.server.stats.reuseDetected).toBe(0)
    // And the session goes on: the next refresh rotates the successor both answers carried.
    await tab!.evaluate(() => window.auth.refresh())
    expect(stack.server.stats.refreshes).toBe(2)
    expect(stack.server.stats.reuseDetected).toBe(0)
  }, 60_000)
})

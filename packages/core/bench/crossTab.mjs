// Cross-tab benchmark in headless Chromium (not a test): for 1, 2, 5 and 10 tabs of one browser, prints
//  - refresh requests per token lifetime (goal 1.00): every refresh request the server received, divided by the
//    refreshes that were needed (a request is "needed" when it comes after at least a quarter of the newest token's
//    lifetime; one that follows a fresh token at once is a duplicate);
//  - the time from logout() in one tab until the last tab is unauthenticated: median and p95 over 30 logouts.
// Run `pnpm --filter @tokenlife/core build` first; then `node packages/core/bench/crossTab.mjs`.
import { launchChromium, openTabs, startTabsServer } from '../tabs/tabsHarness.mjs'

const LIFETIME_S = 4
const LIFETIMES = 4
const LOGOUTS = 30

const quantile = (values, q) => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]
}

const server = await startTabsServer({ lifetimeSeconds: LIFETIME_S })
const browser = await launchChromium()
const rows = []
try {
  for (const count of [1, 2, 5, 10]) {
    const context = await browser.newContext()
    const tabs = await openTabs(context, server.origin, count)
    const [first] = tabs

    // 1. Refreshes per lifetime, with the default timing (margin and jitter).
    await first.evaluate(() => window.auth.login({ username: 'demo', password: 'x' }))
    server.resetStats()
    await new Promise((resolve) => setTimeout(resolve, LIFETIMES * LIFETIME_S * 1000))
    const needed = server.stats.refreshLog.filter(({ at, newestIssuedAt }) => at - newestIssuedAt >= (LIFETIME_S * 1000) / 4).length
    const perLifetime = server.stats.refreshRequests / Math.max(needed, 1)
    const reuse = server.stats.reuseDetected

    // 2. Logout propagation.
    const latencies = []
    for (let round = 0; round < LOGOUTS; round++) {
      if (round > 0) await first.evaluate(() => window.auth.login({ username: 'demo', password: 'x' }))
      await Promise.all(tabs.map((tab) => tab.waitForFunction(() => window.auth.getState().status === 'authenticated')))
      await Promise.all(tabs.map((tab) => tab.evaluate(() => (window.seen = []))))
      const startedAt = await first.evaluate(() => {
        const at = performance.timeOrigin + performance.now()
        void window.auth.logout()
        return at
      })
      await Promise.all(tabs.map((tab) => tab.waitForFunction(() => window.auth.getState().status === 'unauthenticated')))
      const endedAt = await Promise.all(
        tabs.map((tab) => tab.evaluate(() => window.seen.find((entry) => entry.status === 'unauthenticated').at)),
      )
      latencies.push(Math.max(...endedAt) - startedAt)
    }
    rows.push({
      tabs: count,
      'refresh requests': server.stats.refreshRequests,
      'per token lifetime': perLifetime.toFixed(2),
      'reuse detected': reuse,
      'logout → last tab, median ms': quantile(latencies, 0.5).toFixed(2),
      'p95 ms': quantile(latencies, 0.95).toFixed(2),
    })
    await context.close()
  }
} finally {
  await browser.close()
  await server.close()
}
console.log(`Cross-tab benchmark: headless Chromium, ${LIFETIME_S} s access tokens over ${LIFETIMES} lifetimes, ${LOGOUTS} logouts per row`)
console.table(rows)

// Cross-tab benchmark in headless Chromium (not a test): for 1, 2, 5 and 10 tabs of one browser, prints
//  - refresh requests per token lifetime (goal 1.00): every refresh request the server received, divided by the
//    refreshes that were needed (a request is "needed" when it comes after at least a quarter of the newest token's
//    lifetime; one that follows a fresh token at once is a duplicate);
//  - a refresh storm: refresh() in every tab at once, 10 rounds, the server answering in 250 ms: requests per round
//    (goal 1.00) and reuse events (goal 0);
//  - the time from logout() in one tab until the last tab is unauthenticated: median and p95 over 20 logouts.
// Both refresh-token modes. Run `pnpm --filter @tokenlife/core build` first; then `pnpm bench:tabs`.
import { launchChromium, openTabs, startTabsServer } from '../tabs/tabsHarness.mjs'

const LIFETIME_S = 4
const LIFETIMES = 4
const LOGOUTS = 20
const STORM_ROUNDS = 10

const quantile = (values, q) => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]
}

const server = await startTabsServer({ lifetimeSeconds: LIFETIME_S })
const browser = await launchChromium()
const rows = []
try {
  for (const mode of ['cookie', 'storage']) for (const count of [1, 2, 5, 10]) {
    const context = await browser.newContext()
    const tabs = await openTabs(context, server.origin, count, { mode })
    const [first] = tabs

    // 1. Refreshes per lifetime, with the default timing (margin and jitter).
    await first.evaluate(() => window.auth.login({ username: 'demo', password: 'x' }))
    server.resetStats()
    await new Promise((resolve) => setTimeout(resolve, LIFETIMES * LIFETIME_S * 1000))
    const needed = server.stats.refreshLog.filter(({ at, newestIssuedAt }) => at - newestIssuedAt >= (LIFETIME_S * 1000) / 4).length
    const perLifetime = server.stats.refreshRequests / Math.max(needed, 1)
    const reuse = server.stats.reuseDetected

    // 2. A refresh storm against a slow server.
    server.resetStats()
    server.setRefreshDelay(250)
    for (let round = 0; round < STORM_ROUNDS; round++) {
      await Promise.all(tabs.map((tab) => tab.evaluate(() => window.auth.refresh().catch(() => {}))))
      const newest = await first.evaluate(() => window.auth.getState().accessToken)
      await Promise.all(tabs.map((tab) => tab.waitForFunction((token) => window.auth.getState().accessToken === token, newest)))
    }
    server.setRefreshDelay(0)
    const perStormRound = server.stats.refreshRequests / STORM_ROUNDS
    const stormReuse = server.stats.reuseDetected

    // 3. Logout propagation.
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
      mode,
      tabs: count,
      'requests per token lifetime': perLifetime.toFixed(2),
      'reuse (lifetimes)': reuse,
      'requests per storm round': perStormRound.toFixed(2),
      'reuse (storms)': stormReuse,
      'logout → last tab, median ms': quantile(latencies, 0.5).toFixed(2),
      'p95 ms': quantile(latencies, 0.95).toFixed(2),
    })
    await context.close()
  }
} finally {
  await browser.close()
  await server.close()
}
console.log(
  `Cross-tab benchmark: headless Chromium, ${LIFETIME_S} s access tokens over ${LIFETIMES} lifetimes, ${STORM_ROUNDS} storm rounds (250 ms server), ${LOGOUTS} logouts per row`,
)
console.table(rows)

// Part 3, sleep in Chromium: one tab per SDK, signed in, its app calling the API once a second; then the page's
// JavaScript is stopped past the access token's expiry (a paused debugger: CDP Debugger.enable + Debugger.pause,
// later Debugger.resume — the wall clock runs on, as on a suspended laptop; Page.setWebLifecycleState is ignored
// for pages playwright opens) and resumed. From the server's log: does the first API call after the resume carry
// an expired token, and how long until a call carries a valid one (the SDK has a valid token and the app uses it).
import { browserSdks, openTab, signIn } from './sdks.mjs'
import { startBenchServer } from './server.mjs'
import { median, sleep } from './stats.mjs'

/**
 * @param {import('playwright').Browser} browser
 * @param {{ sdk: object, lifetimeS: number, rounds: number, pastExpiryS?: number, activityMs?: number }} options
 */
export async function runSleepScenario(browser, { sdk, lifetimeS, rounds, pastExpiryS = 3, activityMs = 1_000, waitAfterS = 20 }) {
  const row = { sdk: sdk.id, label: sdk.label, lifetimeS, rounds, firstCallExpired: 0, firstCallOther: 0, noValidCall: 0, timesToValidMs: [], refreshesAfterResume: [], sessionsLost: 0 }
  for (let round = 0; round < rounds; round++) {
    const server = await startBenchServer({ lifetimeS })
    const context = await browser.newContext()
    try {
      const page = await openTab(context, server.origin, sdk, { tab: 1, lifetimeS })
      await signIn(page)
      await page.evaluate((ms) => window.bench.startActivity(ms), activityMs)
      await sleep(1_000)
      const cdp = await context.newCDPSession(page)
      await cdp.send('Debugger.enable')
      await cdp.send('Debugger.pause')
      await sleep((lifetimeS + pastExpiryS) * 1000)
      const refreshesBefore = server.stats.refreshRequests
      const resumedAt = Date.now()
      await cdp.send('Debugger.resume')
      await cdp.send('Debugger.disable')
      const deadline = Date.now() + waitAfterS * 1000
      while (Date.now() < deadline && !server.stats.api.some((call) => call.at >= resumedAt && call.verdict === 'valid')) await sleep(50)
      const after = server.stats.api.filter((call) => call.at >= resumedAt)
      if (after[0]?.verdict === 'expired') row.firstCallExpired++
      else if (after[0] && after[0].verdict !== 'valid') row.firstCallOther++
      const valid = after.find((call) => call.verdict === 'valid')
      if (valid) row.timesToValidMs.push(valid.at - resumedAt)
      else row.noValidCall++
      row.refreshesAfterResume.push(server.stats.refreshRequests - refreshesBefore)
      row.sessionsLost += server.stats.familiesLostToReuse
    } catch (error) {
      row.failed = String(error?.message ?? error).split('\n')[0]
    } finally {
      await context.close()
      await server.close()
    }
  }
  row.medianToValidMs = row.timesToValidMs.length ? median(row.timesToValidMs) : null
  row.medianRefreshes = median(row.refreshesAfterResume)
  return row
}

/** Part 3 for every SDK (the two oidc-client-ts stores behave alike in one tab: only the localStorage one runs). */
export async function runSleep(browser, { sdks = browserSdks.filter((sdk) => sdk.id !== 'oidc-session'), lifetimeS = 10, rounds = 3, concurrency = 3, pool, onRow } = {}) {
  return pool(
    sdks.map((sdk) => async () => {
      const row = await runSleepScenario(browser, { sdk, lifetimeS, rounds })
      onRow?.(row)
      return row
    }),
    concurrency,
  )
}

// Part 2, tabs in real Chromium: for each SDK, 1, 3 and 5 tabs of one browser profile and several short access-token
// lifetimes. Every tab's app calls the protected API through its SDK once a second (an app in use), and the one
// session core counts for everybody:
//  - refresh requests per token lifetime and session, over a window of several lifetimes (ratio to tokenlife's in
//    the same run);
//  - reuse events (a spent refresh token presented again) and sessions lost to them (the core revokes the family);
//  - a refresh storm: a forced refresh in every tab at the same instant (the SDK's public refresh call; for axios,
//    the app's own refresh function, since axios-auth-refresh has none): requests, reuse, sessions lost;
//  - logout in tab 1 → the time until the last other tab's app is signed out (what the SDK tells it: an event, or
//    its token call failing on the next API call); "never" when that does not happen within the timeout.
import { browserSdks, openTab, signIn } from './sdks.mjs'
import { startBenchServer } from './server.mjs'
import { median, quantile, sleep } from './stats.mjs'

/**
 * Opens `count` tabs on a fresh profile and signs in (in tab 1, or in every tab where the SDK keeps a session per
 * tab); `afterFirstSignIn` runs once the first session exists (the steady-state count starts there, so opening the
 * other tabs is part of it). Resolves with how many tabs the app shows signed in after 10 s at most: a session can
 * already be lost while the tabs start.
 */
async function signedInTabs(browser, server, sdk, count, lifetimeS, waitMs, afterFirstSignIn = () => {}) {
  const context = await browser.newContext()
  const pages = []
  for (let tab = 1; tab <= count; tab++) {
    const page = await openTab(context, server.origin, sdk, { tab, lifetimeS })
    if (tab === 1 || !sdk.sharedSession) await signIn(page)
    if (tab === 1) afterFirstSignIn()
    pages.push(page)
  }
  // Later tabs pick the session up on start or at their first API call.
  await Promise.all(pages.map((page) => page.evaluate(() => window.bench.callApi())))
  const all = await Promise.all(
    pages.map((page) => page.waitForFunction(() => window.bench.state.signedIn, null, { timeout: waitMs, polling: 100 }).then(() => true, () => false)),
  )
  return { context, pages, allSignedIn: all.every(Boolean) }
}

/** How long after a storm's instant its requests are counted, ms. */
const STORM_WINDOW_MS = 2_000

const signedInCount = async (pages) => (await Promise.all(pages.map((page) => page.evaluate(() => window.bench.state.signedIn)))).filter(Boolean).length
const errorsOf = async (pages) => (await Promise.all(pages.map((page) => page.evaluate(() => window.bench.state.errors)))).flat()

/**
 * Runs one SDK × tab count × lifetime.
 * @param {import('playwright').Browser} browser
 * @param {{ sdk: object, tabs: number, lifetimeS: number, lifetimes: number, activityMs?: number, stormRounds?: number, logoutRounds?: number, logoutTimeoutMs?: number }} options
 */
export async function runTabsScenario(browser, { sdk, tabs, lifetimeS, lifetimes, activityMs = 1_000, stormRounds = 0, logoutRounds = 0, logoutTimeoutMs = 15_000, signInWaitMs = 10_000 }) {
  const server = await startBenchServer({ lifetimeS })
  const sessions = sdk.sharedSession ? 1 : tabs
  const row = { sdk: sdk.id, label: sdk.label, tabs, lifetimeS, sessions }
  const errors = []
  try {
    // Steady state.
    {
      let startedAt = 0
      const { context, pages, allSignedIn } = await signedInTabs(browser, server, sdk, tabs, lifetimeS, signInWaitMs, () => {
        server.core.resetStats()
        startedAt = Date.now()
      })
      row.lostWhileOpeningTabs = !allSignedIn
      await Promise.all(pages.map((page) => page.evaluate((ms) => window.bench.startActivity(ms), activityMs)))
      await sleep(Math.max(0, startedAt + lifetimes * lifetimeS * 1000 - Date.now()))
      const stats = { ...server.stats }
      await Promise.all(pages.map((page) => page.evaluate(() => window.bench.stopActivity())))
      // Refresh requests in each token lifetime of the window; the figure is their median, per session.
      const slots = Array.from({ length: lifetimes }, (_, k) => stats.requestLog.filter((at) => at >= startedAt + k * lifetimeS * 1000 && at < startedAt + (k + 1) * lifetimeS * 1000).length)
      Object.assign(row, {
        refreshRequests: stats.refreshRequests,
        perLifetimeSlots: slots,
        perLifetime: median(slots) / sessions,
        reuseEvents: stats.reuseEvents,
        sessionsLost: stats.familiesLostToReuse,
        tabsSignedInAfter: await signedInCount(pages),
        apiCalls: stats.api.length,
        apiRejected: stats.api.filter((call) => call.verdict !== 'valid').length,
      })
      errors.push(...(await errorsOf(pages)))
      await context.close()
    }
    // Refresh storms, each on a fresh session.
    if (stormRounds > 0) {
      const storms = []
      for (let round = 0; round < stormRounds; round++) {
        const { context, pages, allSignedIn } = await signedInTabs(browser, server, sdk, tabs, lifetimeS, signInWaitMs)
        server.core.resetStats()
        const at = Date.now() + 500
        await Promise.all(
          pages.map((page) =>
            page.evaluate((at) => {
              setTimeout(() => window.bench.forceRefresh().catch((error) => window.bench.state.errors.push(`storm: ${error?.message ?? error}`)), at - window.bench.now())
            }, at),
          ),
        )
        await sleep(3_000)
        await Promise.all(pages.map((page) => page.evaluate(() => window.bench.callApi())))
        // The storm's own requests: those of the STORM_WINDOW_MS from the instant. Not a refresh on schedule that
        // came just before it, nor one that falls due soon after (tokenlife refreshes a token obtained off schedule
        // at a random point of its window, at the earliest a tenth of it: 2.6 s for the 32 s tokens storms run at).
        const requests = server.stats.requestLog.filter((t) => t >= at && t < at + STORM_WINDOW_MS).length
        storms.push({ startedSignedIn: allSignedIn, requests, reuse: server.stats.reuseEvents, lost: server.stats.familiesLostToReuse, signedIn: await signedInCount(pages) })
        await context.close()
      }
      Object.assign(row, {
        stormRounds: storms.length,
        stormStartedSignedIn: storms.filter((storm) => storm.startedSignedIn).length,
        stormRequests: median(storms.map((storm) => storm.requests)),
        stormReuse: median(storms.map((storm) => storm.reuse)),
        stormSessionsLost: storms.reduce((sum, storm) => sum + storm.lost, 0),
        stormTabsSignedIn: median(storms.map((storm) => storm.signedIn)),
      })
    }
    // Logout reach, each round on a fresh session.
    if (logoutRounds > 0 && tabs > 1) {
      const latencies = []
      let never = 0
      let notSignedIn = 0
      let signedInAgain = 0
      for (let round = 0; round < logoutRounds; round++) {
        const { context, pages, allSignedIn } = await signedInTabs(browser, server, sdk, tabs, lifetimeS, signInWaitMs)
        if (!allSignedIn) {
          // The session was lost before the logout: this round says nothing about logout.
          notSignedIn++
          await context.close()
          if (notSignedIn >= 2) break
          continue
        }
        await Promise.all(pages.map((page) => page.evaluate((ms) => window.bench.startActivity(ms), activityMs)))
        const startedAt = await pages[0].evaluate(() => {
          const at = window.bench.now()
          window.bench.logout().catch((error) => window.bench.state.errors.push(`logout: ${error?.message ?? error}`))
          return at
        })
        const others = pages.slice(1)
        // The first time each other tab showed signed out after the logout began (a tab may show signed in again later).
        const firstOut = (page) =>
          page.evaluate((since) => window.bench.state.transitions.find((entry) => !entry.signedIn && entry.at >= since)?.at ?? null, startedAt)
        const deadline = Date.now() + logoutTimeoutMs
        let endedAt = []
        for (;;) {
          endedAt = await Promise.all(others.map(firstOut))
          if (endedAt.every((at) => at !== null) || Date.now() > deadline) break
          await sleep(50)
        }
        if (endedAt.every((at) => at !== null)) latencies.push(Math.max(...endedAt) - startedAt)
        else never++
        // Two seconds later: does any tab show signed in again (a session adopted after the logout)?
        await sleep(2_000)
        if ((await signedInCount(others)) > 0) signedInAgain++
        await context.close()
        // "Never" in the first round is the SDK's design (e.g. a session per tab): more rounds would only wait it out.
        if (never > 0 && latencies.length === 0) break
      }
      Object.assign(row, {
        logoutRounds: latencies.length + never,
        logoutRoundsLostBefore: notSignedIn,
        logoutSignedInAgain: signedInAgain,
        logoutNever: never,
        logoutMedianMs: latencies.length ? quantile(latencies, 0.5) : null,
        logoutP95Ms: latencies.length ? quantile(latencies, 0.95) : null,
        logoutTimeoutMs,
      })
    }
  } catch (error) {
    row.failed = String(error?.message ?? error).split('\n')[0]
  } finally {
    await server.close()
  }
  row.errors = [...new Set(errors)].slice(0, 5)
  return row
}

/** Runs `jobs` (functions returning promises) with at most `limit` at a time, results in order. */
export async function pool(jobs, limit) {
  const results = new Array(jobs.length)
  let next = 0
  await Promise.all(
    Array.from({ length: Math.min(limit, jobs.length) }, async () => {
      while (next < jobs.length) {
        const index = next++
        results[index] = await jobs[index]()
      }
    }),
  )
  return results
}

/**
 * Every scenario of part 2. Steady state at every lifetime; the storm and the logout rounds once per SDK × tab
 * count: logouts at the shortest lifetime (their reach does not depend on it), storms at the longest (so no refresh
 * on schedule falls into a storm's count).
 */
export async function runTabs(browser, { sdks = browserSdks, tabCounts = [1, 3, 5], lifetimesS = [8, 16, 32], lifetimes = 3, stormRounds = 3, logoutRounds = 5, concurrency = 6, logoutTimeoutMs = 15_000, signInWaitMs = 10_000, onRow } = {}) {
  const jobs = []
  for (const lifetimeS of lifetimesS)
    for (const tabs of tabCounts)
      for (const sdk of sdks) {
        const first = lifetimeS === lifetimesS[0]
        const last = lifetimeS === lifetimesS.at(-1)
        jobs.push(async () => {
          const row = await runTabsScenario(browser, { sdk, tabs, lifetimeS, lifetimes, stormRounds: last ? stormRounds : 0, logoutRounds: first ? logoutRounds : 0, logoutTimeoutMs, signInWaitMs })
          onRow?.(row)
          return row
        })
      }
  return pool(jobs, concurrency)
}

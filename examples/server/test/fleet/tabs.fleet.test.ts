import type { BrowserContext, Page } from 'playwright'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { DEMO_USER } from '../../src/index'
import { openTabs, refreshOutcomes, sleep, startFleet, TTL_SECONDS, type Fleet } from './fleet'

// Five real Chromium tabs against three instances behind a round-robin proxy: consecutive requests of one tab land
// on different instances, so every rotation is decided by the shared Redis.
let fleet: Fleet
beforeAll(async () => {
  fleet = await startFleet()
}, 60_000)
afterAll(async () => {
  await fleet?.close()
})

const statuses = (tabs: Page[]) => Promise.all(tabs.map((tab) => tab.evaluate(() => window.auth.getState().status)))
const tokens = (tabs: Page[]) => Promise.all(tabs.map((tab) => tab.evaluate(() => window.auth.getState().accessToken)))

describe.each(['cookie', 'storage'] as const)('%s mode: 5 tabs, 3 instances, one Redis', (mode) => {
  let context: BrowserContext
  let tabs: Page[]
  beforeEach(async () => {
    context = await fleet.browser.newContext()
    tabs = await openTabs(context, fleet, 5, mode)
    await tabs[0]!.evaluate((user) => window.auth.login({ email: user.email, password: user.password }), DEMO_USER)
    await expect.poll(() => statuses(tabs), { timeout: 10_000 }).toEqual(Array(5).fill('authenticated'))
    for (const tab of tabs) await tab.evaluate(() => void (window.seen = []))
  }, 60_000)
  afterEach(async () => {
    await context.close()
  })

  it('steady refresh, a refresh storm and a 401 wave: every token rotated exactly once, no reuse, every tab signed in throughout', async () => {
    const from = fleet.events().length
    const since = () => refreshOutcomes(fleet.events().slice(from))

    // Steady: two and a half lifetimes of scheduled refreshes, spread over the instances.
    await sleep(TTL_SECONDS * 2_500)
    expect(since().success ?? 0).toBeGreaterThanOrEqual(2)

    // A storm: every tab refreshes at once, three times.
    const beforeStorm = since().success ?? 0
    for (let round = 0; round < 3; round++) await Promise.all(tabs.map((tab) => tab.evaluate(() => window.auth.refresh().then(() => undefined))))
    // One rotation per round (a scheduled refresh may fall inside the storm).
    expect(since(), JSON.stringify(since())).toEqual({ success: since().success })
    expect((since().success ?? 0) - beforeStorm).toBeGreaterThanOrEqual(3)
    expect((since().success ?? 0) - beforeStorm).toBeLessThanOrEqual(4)

    // A 401 wave: the API refuses every token issued so far; every tab calls it at once.
    const beforeWave = since().success ?? 0
    await fleet.startWave()
    const answers = await Promise.all(tabs.map((tab) => tab.evaluate(() => window.authFetch('/api/data').then((response) => response.status))))
    expect(answers).toEqual(Array(5).fill(200))
    expect((since().success ?? 0) - beforeWave).toBeLessThanOrEqual(2)

    // Exactly one rotation per token: nothing was presented twice, nothing refused, no retry needed.
    expect(since()).toEqual({ success: since().success })
    await expect.poll(async () => new Set(await tokens(tabs)).size, { timeout: 5_000 }).toBe(1)
    for (const tab of tabs) expect(await tab.evaluate(() => window.seen.includes('unauthenticated'))).toBe(false)
    // Every instance took part.
    const served = fleet.instances.map((instance) => instance.events.slice().filter((event) => event.type === 'refresh').length)
    expect(served.every((count) => count > 0)).toBe(true)
  }, 90_000)

  it('a rotated token presented again at another instance is reuse: the family ends at every instance, in every tab', async () => {
    // Storage mode keeps the refresh token where a test can read it; in cookie mode the jar has it.
    const before = refreshOutcomes(fleet.events())
    const cookies = await context.cookies()
    const stolen = cookies.find((cookie) => cookie.name === 'tokenlife_rt')!.value
    // Rotated, and its successor rotated too: past anything the retry window would answer.
    await tabs[0]!.evaluate(() => window.auth.refresh().then(() => undefined))
    await tabs[2]!.evaluate(() => window.auth.refresh().then(() => undefined))
    // The thief presents the token the tabs just rotated, at each instance in turn.
    for (const instance of fleet.instances) {
      const reply = await fetch(`${instance.server.url}/auth/refresh`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: stolen }),
      })
      expect(reply.status).toBe(400)
    }
    expect((refreshOutcomes(fleet.events()).reuse ?? 0) - (before.reuse ?? 0)).toBeGreaterThanOrEqual(1)
    // The tabs' own, newer token belongs to the dead family: their next refresh is refused, everywhere.
    await tabs[1]!.evaluate(() => window.auth.refresh().catch(() => undefined))
    await expect.poll(() => statuses(tabs), { timeout: 10_000 }).toEqual(Array(5).fill('unauthenticated'))
  }, 60_000)
})

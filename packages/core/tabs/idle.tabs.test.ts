import type { BrowserContext, Page } from 'playwright'
import { afterEach, describe, expect, it } from 'vitest'
import { openTabs } from './tabsHarness.mjs'
import { stateOf, useTabsStack } from './tabsStack'

// Long-lived tokens: no refresh happens during these tests; every request is one the test or the timeout caused.
const stack = useTabsStack(600)
/** Eight seconds without activity in any tab ends the session; the last three warn. */
const IDLE = { timeoutMs: 8_000, warnMs: 3_000 }

declare global {
  interface Window {
    /** The idle states this tab's store reported, with when (epoch ms). */
    idleSeen: { status: string; deadline?: number; at: number }[]
    /** Stops the app's API poll. */
    stopPolling?: () => void
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
/** Waits (real time, generously: only a broken engine would need it all) until `condition()` holds. */
const waitFor = (condition: () => Promise<boolean> | boolean) => expect.poll(condition, { timeout: 60_000, interval: 50 }).toBe(true)
const statusOf = async (tab: Page) => (await stateOf(tab)).status

let context: BrowserContext | undefined
afterEach(async () => {
  await context?.close()
  context = undefined
})

/** Three tabs with the idle timeout, signed in from the first (a sign-in is activity); each records its idle states. */
async function signedInTabs(): Promise<Page[]> {
  context = await stack.browser.newContext()
  const tabs = await openTabs(context, stack.server.origin, 3, { idle: IDLE })
  await tabs[0]!.evaluate(() => window.auth.login({ username: 'demo', password: 'x' }))
  for (const tab of tabs) {
    await tab.waitForFunction(() => window.auth.getState().status === 'authenticated', undefined, { timeout: 30_000 })
    await tab.evaluate(() => {
      window.seen = []
      window.idleSeen = []
      window.auth.idle.subscribe((state) => window.idleSeen.push({ status: state.status, deadline: state.deadline, at: Date.now() }))
    })
  }
  stack.server.resetStats()
  return tabs
}

/** When each tab went unauthenticated (epoch ms), from the page's own record of its states. */
const signedOutAt = (tab: Page) => tab.evaluate(() => window.seen.find((entry) => entry.status === 'unauthenticated')?.at)

describe('the idle timeout in real Chromium, three tabs', () => {
  it('typing in one tab keeps the other two signed in past the timeout', async () => {
    const tabs = await signedInTabs()
    // Two and a half timeouts of typing in the first tab only (real key presses, every half second).
    const until = Date.now() + 2.5 * IDLE.timeoutMs
    while (Date.now() < until) {
      await tabs[0]!.keyboard.press('a')
      await sleep(500)
    }
    for (const tab of tabs) {
      expect(await statusOf(tab)).toBe('authenticated')
      expect(await signedOutAt(tab)).toBeUndefined()
    }
    expect(stack.server.stats.logouts).toBe(0)
  }, 120_000)

  it('no activity anywhere: all three sign out at the deadline (never before), reason idle, with one revocation request', async () => {
    const tabs = await signedInTabs()
    await waitFor(async () => (await Promise.all(tabs.map(statusOf))).every((status) => status === 'unauthenticated'))
    const deadlines: number[] = []
    for (const tab of tabs) {
      expect(await stateOf(tab)).toEqual({ status: 'unauthenticated', reason: 'idle' })
      // Every tab warned first, with the deadline it then kept.
      const warning = (await tab.evaluate(() => window.idleSeen)).find((state) => state.status === 'warning')
      expect(warning?.deadline).toBeGreaterThan(0)
      deadlines.push(warning!.deadline!)
    }
    const deadline = Math.min(...deadlines)
    // Load can only make a timer late: no tab signs out before the deadline.
    for (const tab of tabs) expect(await signedOutAt(tab)).toBeGreaterThanOrEqual(deadline)
    await waitFor(() => stack.server.stats.logouts >= 1)
    await sleep(2_000) // a second revocation, were there one, would have left by now
    expect(stack.server.stats.logouts).toBe(1)
  }, 120_000)

  it('tabs suspended past the deadline (a paused debugger) sign out on resume, and no API call carries the token', async () => {
    const tabs = await signedInTabs()
    // The app calls its API every 200 ms in every tab, through the fetch helper.
    for (const tab of tabs) {
      await tab.evaluate(() => {
        const timer = setInterval(() => void window.authFetch('/api/me').catch(() => {}), 200)
        window.stopPolling = () => clearInterval(timer)
      })
    }
    await waitFor(() => stack.server.stats.apiLog.some((call: { token?: string }) => call.token !== undefined))
    const activity = await tabs[0]!.evaluate(() => JSON.parse(localStorage.getItem('tokenlife:default:activity') ?? '{}').at as number)
    expect(activity).toBeGreaterThan(0)
    // The laptop is closed: no script runs in any tab, the wall clock goes on.
    const sessions = await Promise.all(tabs.map((tab) => context!.newCDPSession(tab)))
    for (const cdp of sessions) {
      await cdp.send('Debugger.enable')
      await cdp.send('Debugger.pause')
    }
    await sleep(Math.max(0, activity + IDLE.timeoutMs + 2_000 - Date.now()))
    const resumedAt = Date.now()
    for (const cdp of sessions) {
      await cdp.send('Debugger.resume')
      await cdp.send('Debugger.disable')
    }
    await waitFor(async () => (await Promise.all(tabs.map(statusOf))).every((status) => status === 'unauthenticated'))
    for (const tab of tabs) expect(await stateOf(tab)).toEqual({ status: 'unauthenticated', reason: 'idle' })
    // Some API calls went out after the resume (the polls kept running), none with the token.
    await waitFor(() => stack.server.stats.apiLog.some((call: { at: number }) => call.at >= resumedAt))
    const after = stack.server.stats.apiLog.filter((call: { at: number }) => call.at >= resumedAt)
    expect(after.filter((call: { token?: string }) => call.token !== undefined)).toEqual([])
    for (const tab of tabs) await tab.evaluate(() => window.stopPolling?.())
    await waitFor(() => stack.server.stats.logouts >= 1)
    await sleep(2_000)
    expect(stack.server.stats.logouts).toBe(1)
  }, 120_000)
})

import { flush, mintAccessToken, runFor, settle } from '@tokenlife/test-utils'
import { describe, expect, it } from 'vitest'
import { createAuthFetch, idleTimeout, isSessionEndedError, type AuthEvent, type IdleState } from '../index'
import { TAB_PROTOCOL_VERSION } from '../tabMessages'
import { setup } from './setup'
import { createBrowser, type Tab } from './tabs'

const second = 1_000
const minute = 60_000
/** Five minutes without activity ends the session; the last minute warns. */
const idle = idleTimeout({ timeoutMs: 5 * minute, warnMs: minute })
const activityKey = 'tokenlife:default:activity'

/** Every idle state a tab's store reported, in order. */
function idleStates(tab: Pick<Tab, 'auth'>): IdleState[] {
  const seen: IdleState[] = []
  tab.auth.idle.subscribe((state) => seen.push(state))
  return seen
}

/** A browser of `count` tabs (cookie mode, 60 s tokens), signed in from the first; the clock at the sign-in. */
async function signedInTabs(count: number, options: Parameters<typeof createBrowser>[0] = {}) {
  const browser = createBrowser({ mode: 'cookie', idle, ...options })
  const tabs = Array.from({ length: count }, () => browser.openTab())
  await settle(browser.env, tabs[0]!.auth.login({ username: 'u', password: 'secret' }))
  await settle(browser.env, Promise.all(tabs.slice(1).map((tab) => tab.auth.start())))
  for (const tab of tabs) expect(tab.auth.getState().status).toBe('authenticated')
  return { browser, tabs, signedInAt: browser.env.now() }
}

describe('idleTimeout(): options', () => {
  it.each([
    [{ timeoutMs: 0 }, 'TL155', /option `idle.timeoutMs` must be a positive number of ms, got 0/],
    [{ timeoutMs: '900000' }, 'TL155', /option `idle.timeoutMs` must be a positive number of ms, got "900000"/],
    [{ timeoutMs: 60_000, warnMs: 60_000 }, 'TL156', /option `idle.warnMs` must be a number of ms from 0 to below timeoutMs \(60000\), got 60000/],
    [{ timeoutMs: 60_000, warnMs: -1 }, 'TL156', /option `idle.warnMs`/],
    [{ timeoutMs: 60_000, warningMs: 1 }, 'TL102', /unknown option `idle.warningMs` \(set to 1\): did you mean `warnMs`\?/],
    [null, 'TL154', /idleTimeout\(\) needs \{ timeoutMs \}, got null/],
  ])('idleTimeout(%j) throws a TypeError with code %s that says what is wrong', (options, code, message) => {
    expect(() => idleTimeout(options as never)).toThrow(TypeError)
    expect(() => idleTimeout(options as never)).toThrow(message)
    expect(() => idleTimeout(options as never)).toThrow(expect.objectContaining({ code }))
  })

  it('warns 60 s before by default, or half the timeout when that is shorter', () => {
    expect(idleTimeout({ timeoutMs: 15 * minute })).toMatchObject({ timeoutMs: 15 * minute, warnMs: minute })
    expect(idleTimeout({ timeoutMs: 30 * second })).toMatchObject({ warnMs: 15 * second })
  })

  it('the idle option takes only what idleTimeout() makes: a plain object names the fix', () => {
    expect(() => setup({ idle: { timeoutMs: 60_000 } as never })).toThrow(
      /option `idle` must be made with idleTimeout\(\), got an object.*idle: idleTimeout\(\{ timeoutMs: 900000 \}\)/,
    )
    expect(() => setup({ idle: { timeoutMs: 60_000 } as never })).toThrow(expect.objectContaining({ code: 'TL153' }))
  })

  it('without it the idle store stays off and stillHere() does nothing', async () => {
    const { env, server, auth } = setup()
    server.issueSession()
    await auth.start()
    expect(auth.idle.getState()).toEqual({ status: 'off' })
    auth.stillHere()
    await runFor(env, 60 * minute)
    expect(auth.getState().status).toBe('authenticated')
    expect(auth.idle.getState()).toEqual({ status: 'off' })
    expect(env.activityListenerCount).toBe(0)
  })
})

describe('one tab', () => {
  it('warns warnMs before the deadline, counts down in whole seconds, then logs out (reason idle) at the deadline', async () => {
    const { browser, tabs, signedInAt } = await signedInTabs(1)
    const [tab] = tabs as [Tab]
    const seen = idleStates(tab)
    const events: AuthEvent[] = []
    tab.auth.onEvent((event) => events.push(event))
    expect(tab.auth.idle.getState()).toEqual({ status: 'active' })
    const deadline = signedInAt + 5 * minute
    await runFor(browser.env, deadline - minute - browser.env.now() - 1)
    expect(tab.auth.idle.getState().status).toBe('active')
    await runFor(browser.env, 1)
    expect(tab.auth.idle.getState()).toEqual({ status: 'warning', deadline, remainingMs: minute })
    expect(events.filter((event) => event.type === 'idle-warning')).toEqual([{ type: 'idle-warning', deadline, remainingMs: minute }])
    await runFor(browser.env, 3 * second)
    expect(seen.slice(-4).map((state) => state.remainingMs)).toEqual([60_000, 59_000, 58_000, 57_000])
    expect(tab.auth.getState().status).toBe('authenticated')

    await runFor(browser.env, deadline - browser.env.now() - 1)
    expect(tab.auth.getState().status).toBe('authenticated')
    expect(browser.server.stats.logouts).toHaveLength(0)
    await runFor(browser.env, 1)
    expect(tab.auth.getState()).toEqual({ status: 'unauthenticated', reason: 'idle' })
    expect(tab.auth.idle.getState()).toEqual({ status: 'off' })
    expect(events).toContainEqual({ type: 'session-ended', reason: 'idle' })
    expect(tab.cleanups).toEqual(['idle'])
    await runFor(browser.env, second)
    // A full logout: the server revoked the session (cookie mode: the cookie goes with it).
    expect(browser.server.stats.logouts).toHaveLength(1)
    expect(browser.server.stats.revocations).toMatchObject([{ cause: 'logout' }])
  })

  it('activity moves the deadline; stillHere() and activity cancel a warning', async () => {
    const { browser, tabs } = await signedInTabs(1)
    const [tab] = tabs as [Tab]
    await runFor(browser.env, 3 * minute)
    tab.env.activity() // the deadline is now 5 minutes from here
    const movedTo = browser.env.now() + 5 * minute
    await runFor(browser.env, 4 * minute)
    expect(tab.auth.idle.getState()).toMatchObject({ status: 'warning', deadline: movedTo })
    tab.auth.stillHere()
    await flush()
    expect(tab.auth.idle.getState()).toEqual({ status: 'active' })
    await runFor(browser.env, 4 * minute + 30 * second)
    expect(tab.auth.idle.getState().status).toBe('warning')
    tab.env.activity()
    await flush()
    expect(tab.auth.idle.getState()).toEqual({ status: 'active' })
    await runFor(browser.env, 4 * minute)
    expect(tab.auth.getState().status).toBe('authenticated')
    expect(browser.server.stats.logouts).toHaveLength(0)
  })

  it('a sign-in counts as activity; a logout leaves no activity mark, and the next sign-in starts the clock afresh', async () => {
    const { browser, tabs, signedInAt } = await signedInTabs(1)
    const [tab] = tabs as [Tab]
    expect(JSON.parse(browser.env.marks.get(activityKey)!)).toEqual({ at: signedInAt })
    await runFor(browser.env, 4 * minute)
    await settle(browser.env, tab.auth.logout())
    expect(browser.env.marks.has(activityKey)).toBe(false)
    await runFor(browser.env, 10 * minute)
    await settle(browser.env, tab.auth.login({ username: 'u', password: 'secret' }))
    await runFor(browser.env, 4 * minute)
    expect(tab.auth.getState().status).toBe('authenticated')
  })

  it('tells the others at most once a second while it is quiet, and at once during a warning', async () => {
    const { browser, tabs } = await signedInTabs(1)
    const [tab] = tabs as [Tab]
    const activityMessages = () => browser.hub.posted.filter((message) => (message as { type?: string }).type === 'activity').length
    await runFor(browser.env, 2 * second)
    const before = activityMessages()
    for (let i = 0; i < 50; i++) {
      tab.env.activity() // a mouse moving over the page
      await runFor(browser.env, 100)
    }
    expect(activityMessages() - before).toBe(5)
    await runFor(browser.env, 4 * minute + 30 * second)
    expect(tab.auth.idle.getState().status).toBe('warning')
    const warned = activityMessages()
    tab.env.activity()
    expect(activityMessages()).toBe(warned + 1)
  })

  it('an idle listener that throws is reported and breaks nothing; listeners run after the change', async () => {
    const { browser, tabs } = await signedInTabs(1)
    const [tab] = tabs as [Tab]
    const order: string[] = []
    tab.auth.idle.subscribe(() => {
      order.push(`idle: ${tab.auth.getState().status}`)
      throw new Error('boom')
    })
    await runFor(browser.env, 5 * minute)
    expect(tab.auth.getState()).toEqual({ status: 'unauthenticated', reason: 'idle' })
    // The warning, then 'off' once the session had ended (never while it was ending).
    expect(order[0]).toBe('idle: authenticated')
    expect(order.at(-1)).toBe('idle: unauthenticated')
    expect(tab.env.warnings.some((warning) => warning.includes('an idle listener threw: Error: boom'))).toBe(true)
  })

  it('destroy() releases the activity listeners and the timers', async () => {
    const { browser, tabs } = await signedInTabs(1)
    const [tab] = tabs as [Tab]
    expect(tab.env.activityListenerCount).toBe(1)
    tab.auth.destroy()
    expect(tab.env.activityListenerCount).toBe(0)
    await runFor(browser.env, 10 * minute)
    expect(browser.server.stats.logouts).toHaveLength(0)
  })
})

describe('every tab, one deadline', () => {
  it('activity in one tab keeps every other tab signed in past the timeout', async () => {
    const { browser, tabs } = await signedInTabs(3)
    const states = tabs.map(idleStates)
    for (let i = 0; i < 20; i++) {
      await runFor(browser.env, minute)
      tabs[0]!.env.activity() // the user works in the first tab only
    }
    for (const tab of tabs) expect(tab.auth.getState().status).toBe('authenticated')
    for (const seen of states) expect(seen.filter((state) => state.status === 'warning')).toEqual([])
    expect(browser.server.stats.logouts).toHaveLength(0)
  })

  it('a tab that missed the messages reads the shared mark before it warns', async () => {
    const { browser, tabs } = await signedInTabs(2)
    const [quiet, busy] = tabs as [Tab, Tab]
    quiet.link.asleep = true // it hears no message from now on
    for (let i = 0; i < 8; i++) {
      await runFor(browser.env, minute)
      busy.env.activity()
    }
    expect(quiet.auth.getState().status).toBe('authenticated')
    expect(quiet.auth.idle.getState().status).toBe('active')
  })

  it('activity in one tab cancels the warning shown in every tab at once', async () => {
    const { browser, tabs } = await signedInTabs(3)
    await runFor(browser.env, 4 * minute + 10 * second)
    for (const tab of tabs) expect(tab.auth.idle.getState().status).toBe('warning')
    tabs[2]!.env.activity()
    await flush()
    for (const tab of tabs) expect(tab.auth.idle.getState()).toEqual({ status: 'active' })
    tabs[1]!.auth.stillHere() // a second warning, cancelled from another tab
    await runFor(browser.env, 4 * minute + 50 * second)
    for (const tab of tabs) expect(tab.auth.idle.getState().status).toBe('warning')
    tabs[0]!.auth.stillHere()
    await flush()
    for (const tab of tabs) expect(tab.auth.idle.getState()).toEqual({ status: 'active' })
  })

  it('no activity anywhere: every tab logs out at the deadline, with one revocation though their timers fire together', async () => {
    const { browser, tabs, signedInAt } = await signedInTabs(3)
    await runFor(browser.env, signedInAt + 5 * minute - browser.env.now())
    // The three timers fired at the same instant, before any tab heard another: each ended the session itself.
    for (const tab of tabs) expect(tab.auth.getState()).toEqual({ status: 'unauthenticated', reason: 'idle' })
    for (const tab of tabs) expect(tab.cleanups).toEqual(['idle'])
    await runFor(browser.env, 10 * second)
    expect(browser.server.stats.logouts).toHaveLength(1)
  })

  it('a tab whose timer is late (frozen, throttled) hears the end first and does not revoke again', async () => {
    const { browser, tabs, signedInAt } = await signedInTabs(2)
    tabs[1]!.env.freeze()
    await browser.env.run(signedInAt + 5 * minute - browser.env.now() + 2 * second)
    expect(tabs[0]!.auth.getState()).toEqual({ status: 'unauthenticated', reason: 'idle' })
    tabs[1]!.env.thaw()
    await browser.env.run(10 * second)
    for (const tab of tabs) expect(tab.auth.getState()).toEqual({ status: 'unauthenticated', reason: 'idle' })
    expect(browser.server.stats.logouts).toHaveLength(1)
  })
})

describe('the deadline is on the wall clock', () => {
  it('a device that wakes past it signs out before any request carries the token, and refreshes nothing', async () => {
    const { browser, tabs } = await signedInTabs(1)
    const [tab] = tabs as [Tab]
    const authFetch = createAuthFetch(tab.auth)
    const refreshesBefore = browser.server.stats.refreshRequests
    browser.env.sleep(10 * minute) // no timer ran: the laptop was closed
    // The app's first call after the wake comes before any timer or wake-up event.
    const error = await authFetch(`${browser.server.origin}/api/me`).catch((caught: unknown) => caught)
    expect(isSessionEndedError(error)).toBe(true)
    expect(error).toMatchObject({ reason: 'idle' })
    expect(browser.server.stats.apiRequests).toBe(0)
    tab.env.wake('visible')
    tab.env.activity() // the page coming to the front is activity, but too late
    await runFor(browser.env, second)
    expect(tab.auth.getState()).toEqual({ status: 'unauthenticated', reason: 'idle' })
    expect(browser.server.stats.refreshRequests).toBe(refreshesBefore)
    expect(browser.server.stats.logouts).toHaveLength(1)
  })

  it.each([
    ['getAccessToken()', (tab: Tab) => tab.auth.getAccessToken()],
    ['refresh()', (tab: Tab) => tab.auth.refresh()],
  ])('%s past the deadline rejects with reason idle and sends nothing', async (_label, call) => {
    const { browser, tabs } = await signedInTabs(1)
    browser.env.sleep(6 * minute)
    await expect(call(tabs[0]!)).rejects.toMatchObject({ name: 'SessionEndedError', reason: 'idle' })
    await flush()
    expect(tabs[0]!.auth.getState()).toEqual({ status: 'unauthenticated', reason: 'idle' })
    expect(browser.server.stats.refreshRequests).toBe(0)
  })

  it('a refresh timer that fires late (a device that slept, no wake-up event) ends the session instead of renewing it', async () => {
    const { browser, tabs } = await signedInTabs(1)
    browser.env.sleep(10 * minute) // the refresh falls due before the idle timer runs again
    await runFor(browser.env, minute)
    expect(tabs[0]!.auth.getState()).toEqual({ status: 'unauthenticated', reason: 'idle' })
    expect(browser.server.stats.refreshRequests).toBe(0)
  })

  it('a wake-up past the deadline signs out at once, even with no refresh due (a long-lived token)', async () => {
    const { browser, tabs } = await signedInTabs(2, { lifetime: 3_600 })
    browser.env.sleep(7 * minute)
    tabs[1]!.env.wake('visible')
    expect(tabs[1]!.auth.getState()).toEqual({ status: 'unauthenticated', reason: 'idle' })
    await flush()
    expect(tabs[0]!.auth.getState()).toEqual({ status: 'unauthenticated', reason: 'idle' })
    expect(browser.server.stats.refreshRequests).toBe(0)
  })
})

describe('a session that arrives past the deadline', () => {
  it("a sibling's token adopted after every tab went idle ends the session a turn later, and the state never flips back", async () => {
    const { browser, tabs } = await signedInTabs(1)
    const [tab] = tabs as [Tab]
    const seen: string[] = []
    tab.auth.subscribe((state) => seen.push(state.status))
    // The device slept past the deadline; before any timer runs, a sibling's token arrives.
    browser.env.sleep(6 * minute)
    const now = browser.env.now()
    browser.hub.inject('tokenlife:default', {
      tokenlife: TAB_PROTOCOL_VERSION, namespace: 'default', from: 'elsewhere', type: 'session',
      session: { id: 'late', startedAt: now, requestedAt: now, expiresAt: now + minute, lifetimeMs: minute, accessToken: mintAccessToken(now, 60) },
    })
    await runFor(browser.env, 100)
    expect(tab.auth.getState()).toEqual({ status: 'unauthenticated', reason: 'idle' })
    expect(seen.at(-1)).toBe('unauthenticated')
    await runFor(browser.env, minute)
    expect(tab.auth.getState()).toEqual({ status: 'unauthenticated', reason: 'idle' })
  })
})

describe('a page that opens after the deadline', () => {
  it('ends the session that idled out while every tab was closed, without a refresh: revoked, reason idle', async () => {
    const { browser, tabs } = await signedInTabs(1)
    tabs[0]!.auth.destroy() // the last tab closes (no logout)
    browser.env.sleep(30 * minute)
    const reopened = browser.openTab()
    const refreshesBefore = browser.server.stats.refreshRequests
    await settle(browser.env, reopened.auth.start())
    expect(reopened.auth.getState()).toEqual({ status: 'unauthenticated', reason: 'idle' })
    expect(browser.server.stats.refreshRequests).toBe(refreshesBefore)
    await runFor(browser.env, second)
    expect(browser.server.stats.logouts).toHaveLength(1)
    // Revoked: the next page starts normally (and finds no session).
    expect(browser.env.marks.has(activityKey)).toBe(false)
    const next = browser.openTab()
    await settle(browser.env, next.auth.start())
    expect(next.auth.getState()).toEqual({ status: 'unauthenticated', reason: 'no_session' })
  })

  it('keeps the clock across a reload within the timeout: reloading does not count as activity', async () => {
    const { browser, tabs, signedInAt } = await signedInTabs(1)
    await runFor(browser.env, 3 * minute)
    tabs[0]!.auth.destroy()
    const reloaded = browser.openTab()
    await settle(browser.env, reloaded.auth.start())
    expect(reloaded.auth.getState().status).toBe('authenticated')
    await runFor(browser.env, signedInAt + 5 * minute - browser.env.now())
    expect(reloaded.auth.getState()).toEqual({ status: 'unauthenticated', reason: 'idle' })
  })

  it('when the revocation failed (offline), the next page ends the session again instead of restoring it', async () => {
    const { browser, tabs } = await signedInTabs(1)
    browser.server.respondNextLogout(() => Response.error())
    await runFor(browser.env, 5 * minute + second)
    expect(tabs[0]!.auth.getState()).toEqual({ status: 'unauthenticated', reason: 'idle' })
    expect(browser.env.marks.has(activityKey)).toBe(true)
    tabs[0]!.auth.destroy()
    const reloaded = browser.openTab()
    await settle(browser.env, reloaded.auth.start())
    expect(reloaded.auth.getState()).toEqual({ status: 'unauthenticated', reason: 'idle' })
    await runFor(browser.env, second)
    expect(browser.server.stats.logouts).toHaveLength(2)
    expect(browser.env.marks.has(activityKey)).toBe(false)
  })
})


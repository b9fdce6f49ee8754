import { runFor, settle } from '@tokenlife/test-utils'
import { describe, expect, it } from 'vitest'
import type { AuthClient } from '../authClient'
import { defaultRefreshTiming as timing, refreshDueAt, refreshWindow, retryDelay } from '../refreshTiming'
import { setup } from './setup'
import { createBrowser } from './tabs'

const now = Date.UTC(2026, 0, 1)

describe('refreshDueAt', () => {
  it.each([
    ['4 s', 2_000, 'half the lifetime, as the minimum margin would not fit', 4_000],
    ['10 s', 5_000, 'the minimum margin', 10_000],
    ['60 s', 12_000, '20 % of the lifetime', 60_000],
    ['10 min', 120_000, '20 % of the lifetime', 600_000],
    ['1 h', 300_000, 'the maximum margin', 3_600_000],
  ])('refreshes a token that lives %s %i ms before expiry on schedule (%s), without jitter', (_label, margin, _why, lifetime) => {
    expect(refreshDueAt(timing, now + lifetime, lifetime, now)).toBe(now + lifetime - margin)
    const { steadyMs, earliestMs } = refreshWindow(timing, lifetime)
    expect(steadyMs).toBe(lifetime - margin)
    expect(earliestMs).toBeCloseTo((lifetime - margin) / 10, 6)
  })

  it('spreads a token that begins a new phase over the last 90 % of the interval to the steady point', () => {
    const minute = 60_000 // steady point 48 s after issue, window 4.8–48 s
    expect(refreshDueAt(timing, now + minute, minute, now, 0)).toBeCloseTo(now + 4_800, 6)
    expect(refreshDueAt(timing, now + minute, minute, now, 0.5)).toBeCloseTo(now + 26_400, 6)
    expect(refreshDueAt(timing, now + minute, minute, now, 0.999_999)).toBeCloseTo(now + 48_000, -1)
    const fiveMinutes = 300_000 // steady point 240 s, window 24–240 s
    expect(refreshDueAt(timing, now + fiveMinutes, fiveMinutes, now, 0)).toBeCloseTo(now + 24_000, 6)
    expect(refreshDueAt(timing, now + fiveMinutes, fiveMinutes, now, 0.5)).toBeCloseTo(now + 132_000, 6)
    const hour = 3_600_000 // steady point 55 min, window 5.5–55 min: no cap, the spread scales with the lifetime
    expect(refreshDueAt(timing, now + hour, hour, now, 0)).toBeCloseTo(now + 330_000, 6)
    const short = 4_000 // margin half the lifetime: steady point 2 s, window 0.2–2 s
    expect(refreshDueAt(timing, now + short, short, now, 0)).toBeCloseTo(now + 200, 6)
  })

  it('spreads a token restored late in its life over what is left of its window, and never past the steady point', () => {
    const minute = 60_000
    // Issued 40 s ago: the window 4.8–48 s after issue has 8 s left.
    expect(refreshDueAt(timing, now + 20_000, minute, now, 0)).toBe(now)
    expect(refreshDueAt(timing, now + 20_000, minute, now, 0.5)).toBe(now + 4_000)
    // Issued 50 s ago: past the steady point, refreshed now.
    expect(refreshDueAt(timing, now + 10_000, minute, now, 0.5)).toBe(now)
  })

  it('spreadRatio 0 refreshes every token at the steady point; 1 spreads it from issue on', () => {
    const minute = 60_000
    expect(refreshDueAt({ ...timing, spreadRatio: 0 }, now + minute, minute, now, 0)).toBe(now + 48_000)
    expect(refreshDueAt({ ...timing, spreadRatio: 1 }, now + minute, minute, now, 0)).toBe(now)
    expect(refreshWindow({ ...timing, spreadRatio: 1 }, minute)).toEqual({ earliestMs: 0, steadyMs: 48_000 })
  })

  it('never schedules in the past: a token that is already due is refreshed now', () => {
    expect(refreshDueAt(timing, now + 1_000, 60_000, now, 0.5)).toBe(now)
    expect(refreshDueAt(timing, now - 1_000, 60_000, now)).toBe(now)
  })
})

describe('retryDelay', () => {
  it('doubles from retryBaseMs and is capped at retryMaxMs', () => {
    const lowest = [1, 2, 3, 4, 5, 6, 7, 8, 20, 2_000].map((attempt) => retryDelay(timing, attempt, 0))
    expect(lowest).toEqual([500, 1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000, 30_000])
    const highest = [1, 2, 3, 7, 8, 2_000].map((attempt) => retryDelay(timing, attempt, 0.99))
    expect(highest).toEqual([995, 1_990, 3_980, 59_700, 59_700, 59_700])
  })

  it('spreads retries with jitter: half the delay is fixed, half random', () => {
    expect(retryDelay(timing, 3, 0)).toBe(2_000)
    expect(retryDelay(timing, 3, 0.5)).toBe(3_000)
    expect(retryDelay(timing, 3, 0.99)).toBe(3_980)
  })

  it("waits for the server's Retry-After when it is longer than the backoff, never less", () => {
    expect(retryDelay(timing, 1, 0.5, 120_000)).toBe(120_000)
    expect(retryDelay(timing, 6, 0.5, 1_000)).toBe(24_000)
  })
})

describe('spreading a herd', () => {
  /** The moments (ms after the first token was issued) at which one client refreshed over `spanMs`. */
  const refreshesOf = async (random: number, origin: string, begin: (auth: AuthClient) => Promise<unknown>, spanMs = 200_000) => {
    const { env, server, auth } = setup({ origin })
    env.randomValue = random
    server.issueSession()
    await begin(auth)
    const issuedAt = server.stats.issueTimes.at(-1)!
    await runFor(env, spanMs)
    auth.destroy()
    return server.stats.refreshLog.filter((entry) => entry.at > issuedAt).map((entry) => entry.at - issuedAt)
  }

  it('the first refresh after a sign-in lands at a random point of its window; later ones keep that phase', async () => {
    const login = (auth: AuthClient) => auth.login({ username: 'u', password: 'secret' })
    // A 60 s token: steady point 48 s after issue, window 4.8–48 s. Each refresh is on schedule: 48 s apart, no jitter.
    const round = (times: number[]) => times.map((time) => Math.round(time))
    expect(round(await refreshesOf(0, 'https://a.auth.test', login))).toEqual([4_800, 52_800, 100_800, 148_800, 196_800])
    expect(round(await refreshesOf(0.5, 'https://b.auth.test', login))).toEqual([26_400, 74_400, 122_400, 170_400])
    expect(round(await refreshesOf(0.9, 'https://c.auth.test', login))).toEqual([43_680, 91_680, 139_680, 187_680])
  })

  it("a page load's refresh begins a new phase too", async () => {
    const start = async (auth: AuthClient) => {
      await auth.start()
    }
    // The start refresh itself is the first entry (at 0): then the spread one, then the steady ones.
    expect((await refreshesOf(0.25, 'https://d.auth.test', start, 100_000)).map((time) => Math.round(time))).toEqual([15_600, 63_600])
  })

  it('an explicit refresh (a 401 wave) begins a new phase; a refresh on demand keeps it', async () => {
    const { env, server, auth } = setup({ origin: 'https://e.auth.test' })
    const { earliestMs, steadyMs } = refreshWindow(timing, 60_000) // 4.8 s and 48 s
    env.randomValue = 0
    await auth.login({ username: 'u', password: 'secret' })
    await runFor(env, earliestMs + 1_000) // the login's spread refresh, on schedule
    const from = env.now()
    await auth.refresh() // explicit: a new phase, due earliestMs later
    await runFor(env, steadyMs) // the spread one, then on schedule again
    await runFor(env, steadyMs)
    const since = server.stats.refreshLog.filter((entry) => entry.at >= from).map((entry) => Math.round(entry.at - from))
    expect(since).toEqual([0, earliestMs, earliestMs + steadyMs].map(Math.round))
    // A page that slept past the schedule (4 s left): a caller's demand refreshes first, and keeps the phase (the
    // next one 48 s on, not 4.8 s as a new phase would).
    env.sleep(from + earliestMs + steadyMs + 56_000 - env.now())
    await auth.getAccessToken()
    const demandAt = env.now()
    await runFor(env, steadyMs)
    expect(server.stats.refreshLog.slice(-2).map((entry) => entry.at - demandAt)).toEqual([0, steadyMs])
  })

  it('every tab refreshes a shared token when the tab that obtained it would, even when that tab is gone', async () => {
    const browser = createBrowser({ mode: 'cookie' })
    const [a, b] = [browser.openTab(), browser.openTab()]
    a.env.randomValue = 0.1 // the login's spread point: 4.8 + 4.32 s (b would have drawn 0.5: 26.4 s)
    await settle(browser.env, b.auth.start())
    await settle(browser.env, a.auth.login({ username: 'u', password: 'secret' }))
    await runFor(browser.env, 1_000)
    expect(b.auth.getState().status).toBe('authenticated')
    const issuedAt = browser.server.stats.issueTimes.at(-1)!
    a.auth.destroy()
    await runFor(browser.env, 20_000)
    expect(browser.server.stats.refreshLog.filter((entry) => entry.at > issuedAt).map((entry) => Math.round(entry.at - issuedAt))).toEqual([9_120])
  })
})

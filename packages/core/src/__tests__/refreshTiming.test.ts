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
    expect(refreshWindow(timing, lifetime)).toEqual({ steadyMs: lifetime - margin, earliestMs: (lifetime - margin) / 4 })
  })

  it('spreads a token that begins a new phase over the last 75 % of the interval to the steady point', () => {
    const minute = 60_000 // steady point 48 s after issue, window 12–48 s
    expect(refreshDueAt(timing, now + minute, minute, now, 0)).toBe(now + 12_000)
    expect(refreshDueAt(timing, now + minute, minute, now, 0.5)).toBe(now + 30_000)
    expect(refreshDueAt(timing, now + minute, minute, now, 0.999_999)).toBeCloseTo(now + 48_000, -1)
    const fiveMinutes = 300_000 // steady point 240 s, window 60–240 s
    expect(refreshDueAt(timing, now + fiveMinutes, fiveMinutes, now, 0)).toBe(now + 60_000)
    expect(refreshDueAt(timing, now + fiveMinutes, fiveMinutes, now, 0.5)).toBe(now + 150_000)
    const hour = 3_600_000 // steady point 55 min, window 13.75–55 min: no cap, the spread scales with the lifetime
    expect(refreshDueAt(timing, now + hour, hour, now, 0)).toBe(now + 825_000)
    const short = 4_000 // margin half the lifetime: steady point 2 s, window 0.5–2 s
    expect(refreshDueAt(timing, now + short, short, now, 0)).toBe(now + 500)
  })

  it('spreads a token restored late in its life over what is left of its window, and never past the steady point', () => {
    const minute = 60_000
    // Issued 40 s ago: the window 12–48 s after issue has 8 s left.
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
    // A 60 s token: steady point 48 s after issue, window 12–48 s. Each refresh is on schedule: 48 s apart, no jitter.
    expect(await refreshesOf(0, 'https://a.auth.test', login)).toEqual([12_000, 60_000, 108_000, 156_000])
    expect(await refreshesOf(0.5, 'https://b.auth.test', login)).toEqual([30_000, 78_000, 126_000, 174_000])
    expect(await refreshesOf(0.9, 'https://c.auth.test', login)).toEqual([44_400, 92_400, 140_400, 188_400])
  })

  it("a page load's refresh begins a new phase too", async () => {
    const start = async (auth: AuthClient) => {
      await auth.start()
    }
    // The start refresh itself is the first entry (at 0): then the spread one, then the steady ones.
    expect(await refreshesOf(0.25, 'https://d.auth.test', start, 100_000)).toEqual([21_000, 69_000])
  })

  it('an explicit refresh (a 401 wave) begins a new phase; a refresh on demand keeps it', async () => {
    const { env, server, auth } = setup({ origin: 'https://e.auth.test' })
    env.randomValue = 0
    await auth.login({ username: 'u', password: 'secret' })
    await runFor(env, 12_000) // the spread refresh, on schedule
    const from = env.now()
    await auth.refresh() // explicit: a new phase, due 12 s later again
    await runFor(env, 12_000)
    await runFor(env, 48_000) // on schedule again: 48 s later
    expect(server.stats.refreshLog.map((entry) => entry.at - from)).toEqual([0, 0, 12_000, 60_000])
    // A page that slept past the schedule (4 s left): a caller's demand refreshes first, and keeps the phase (the
    // next one 48 s on, not 12 s as a new phase would).
    env.sleep(56_000)
    await auth.getAccessToken()
    const demandAt = env.now()
    await runFor(env, 48_000)
    expect(server.stats.refreshLog.slice(-2).map((entry) => entry.at - demandAt)).toEqual([0, 48_000])
  })

  it('every tab refreshes a shared token when the tab that obtained it would, even when that tab is gone', async () => {
    const browser = createBrowser({ mode: 'cookie' })
    const [a, b] = [browser.openTab(), browser.openTab()]
    a.env.randomValue = 0.1 // the login's spread point: 12 + 3.6 s (b would have drawn 0.5: 30 s)
    await settle(browser.env, b.auth.start())
    await settle(browser.env, a.auth.login({ username: 'u', password: 'secret' }))
    await runFor(browser.env, 1_000)
    expect(b.auth.getState().status).toBe('authenticated')
    const issuedAt = browser.server.stats.issueTimes.at(-1)!
    a.auth.destroy()
    await runFor(browser.env, 20_000)
    expect(browser.server.stats.refreshLog.filter((entry) => entry.at > issuedAt).map((entry) => entry.at - issuedAt)).toEqual([15_600])
  })
})

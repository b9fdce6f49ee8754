import { runFor } from '@tokenlife/test-utils'
import { describe, expect, it } from 'vitest'
import { defaultRefreshTiming as timing, refreshDueAt, retryDelay } from '../refreshTiming'
import { setup } from './setup'

const now = Date.UTC(2026, 0, 1)

describe('refreshDueAt', () => {
  it.each([
    ['4 s', 2_000, 'half the lifetime, as the minimum margin would not fit', 4_000],
    ['10 s', 5_000, 'the minimum margin', 10_000],
    ['60 s', 12_000, '20 % of the lifetime', 60_000],
    ['10 min', 120_000, '20 % of the lifetime', 600_000],
    ['1 h', 300_000, 'the maximum margin', 3_600_000],
  ])('refreshes a token that lives %s %i ms before expiry (%s)', (_label, margin, _why, lifetime) => {
    expect(refreshDueAt(timing, now + lifetime, lifetime, now, 0)).toBe(now + lifetime - margin)
  })

  it('refreshes earlier by a random jitter of up to 10 % of the lifetime, capped at a minute', () => {
    const minute = 60_000
    expect(refreshDueAt(timing, now + minute, minute, now, 0.5)).toBe(now + minute - 12_000 - 3_000)
    expect(refreshDueAt(timing, now + minute, minute, now, 0.99)).toBe(now + minute - 12_000 - 5_940)
    const hour = 3_600_000
    expect(refreshDueAt(timing, now + hour, hour, now, 0.5)).toBe(now + hour - 300_000 - 30_000)
    expect(refreshDueAt(timing, now + hour, hour, now, 0.99)).toBe(now + hour - 300_000 - 59_400)
  })

  it('never schedules in the past: a token that is already due is refreshed now', () => {
    expect(refreshDueAt(timing, now + 1_000, 60_000, now, 0.5)).toBe(now)
    expect(refreshDueAt(timing, now - 1_000, 60_000, now, 0)).toBe(now)
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

describe('jitter between clients', () => {
  it('two clients with different random values do not refresh at the same instant', async () => {
    const refreshAt = async (random: number, origin: string) => {
      const { env, server, auth } = setup({ origin })
      env.randomValue = random
      server.issueSession()
      await auth.start()
      const startedAt = env.now()
      await runFor(env, 59_000)
      expect(server.stats.refreshRequests).toBe(2)
      return (server.stats.refreshLog[1]?.at ?? Number.NaN) - startedAt
    }
    const early = await refreshAt(0.9, 'https://a.auth.test')
    const late = await refreshAt(0.1, 'https://b.auth.test')
    // A 60 s token: margin 12 s, jitter up to 6 s.
    expect(early).toBe(60_000 - 12_000 - 5_400)
    expect(late).toBe(60_000 - 12_000 - 600)
  })
})

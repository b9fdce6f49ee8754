import { FakeEnvironment, flush, runFor } from '@tokenlife/test-utils'
import { describe, expect, it } from 'vitest'
import type { WakeCause } from '../ports'
import { MAX_TIMER_MS, RefreshScheduler } from '../refreshScheduler'
import { expiryOf, setup } from './setup'

const day = 86_400_000

describe('RefreshScheduler', () => {
  const scheduler = () => {
    const env = new FakeEnvironment()
    const fired: { at: number; cause: string }[] = []
    const scheduler = new RefreshScheduler(env, (cause) => fired.push({ at: env.now(), cause }))
    return { env, fired, scheduler }
  }

  it('fires at the due time, never before', () => {
    const { env, fired, scheduler: s } = scheduler()
    const dueAt = env.now() + 90_000
    s.scheduleAt(dueAt)
    env.advance(89_999)
    expect(fired).toEqual([])
    env.advance(1)
    expect(fired).toEqual([{ at: dueAt, cause: 'timer' }])
    expect(env.pendingTimers).toBe(0)
  })

  it('waits in slices of at most a minute, so no timer exceeds what setTimeout can hold', () => {
    const { env, fired, scheduler: s } = scheduler()
    s.scheduleAt(env.now() + 30 * day)
    env.advance(30 * day)
    expect(fired).toHaveLength(1)
    expect(env.longestTimerMs).toBeLessThanOrEqual(60_000)
  })

  it('fires on a wake-up once the due time has passed while timers were suspended', () => {
    const { env, fired, scheduler: s } = scheduler()
    s.scheduleAt(env.now() + 45_000)
    env.sleep(3_600_000)
    s.check('visible')
    expect(fired).toEqual([{ at: env.now(), cause: 'visible' }])
    expect(env.pendingTimers).toBe(0)
  })

  it('does not fire on a wake-up before the due time', () => {
    const { env, fired, scheduler: s } = scheduler()
    s.scheduleAt(env.now() + 45_000)
    env.advance(10_000)
    s.check('focus')
    expect(fired).toEqual([])
    env.advance(35_000)
    expect(fired).toHaveLength(1)
  })

  it('reports a timer that fired long after it should have as late', () => {
    const { env, fired, scheduler: s } = scheduler()
    s.scheduleAt(env.now() + 45_000)
    env.sleep(600_000)
    env.advance(45_000)
    expect(fired).toEqual([{ at: env.now(), cause: 'late-timer' }])
  })

  it('cancel() releases its timer', () => {
    const { env, fired, scheduler: s } = scheduler()
    s.scheduleAt(env.now() + 45_000)
    s.cancel()
    expect(env.pendingTimers).toBe(0)
    env.advance(day)
    expect(fired).toEqual([])
  })
})

describe('silent refresh', () => {
  it('refreshes a 60 s token 12 s before expires_in runs out, again and again (the first at a random point)', async () => {
    const { env, server, auth } = setup()
    server.issueSession()
    const startedAt = env.now()
    await auth.start()
    await runFor(env, 10 * 60_000)
    const times = server.stats.refreshLog.map(({ at }) => at - startedAt)
    // The page load's token begins a new phase: refreshed halfway (random 0.5) through its 12–48 s window; each
    // later one on schedule, 12 s (20 %) before it expires.
    expect(times.map((time) => Math.round(time))).toEqual([0, ...Array.from({ length: 12 }, (_, i) => 26_400 + i * 48_000)])
    expect(auth.getState()).toMatchObject({ status: 'authenticated', accessToken: server.stats.issued.at(-1) })
  })

  it('takes the expiry from the JWT exp claim when the response has no expires_in', async () => {
    const { env, server, auth } = setup({ expiresIn: false })
    server.issueSession()
    const startedAt = env.now()
    await auth.start()
    await runFor(env, 25_000)
    expect(server.stats.refreshRequests).toBe(1)
    await runFor(env, 1_000)
    expect(server.stats.refreshRequests).toBe(2)
    // The server clock is only known to the second: the client allows half a second for it (the window 4.3–47.5 s).
    expect(server.stats.refreshLog[1]!.at - startedAt).toBeCloseTo(25_900, 6)
  })

  it('a token living 60 days: no timer beyond 2^31-1 ms, and it still refreshes on time', async () => {
    const lifetime = 60 * day
    const { env, server, auth } = setup({ lifetime: lifetime / 1000 })
    server.issueSession()
    const startedAt = env.now()
    await auth.start()
    // margin capped at 5 min; the page load's token spread halfway through the last 75 % of the time to it
    const dueIn = Math.ceil((lifetime - 300_000) * (0.1 + 0.9 * 0.5))
    env.advance(dueIn - 1)
    await flush()
    expect(server.stats.refreshRequests).toBe(1)
    env.advance(1)
    await flush()
    expect(server.stats.refreshLog.map(({ at }) => at - startedAt)).toEqual([0, dueIn])
    expect(env.longestTimerMs).toBeLessThanOrEqual(MAX_TIMER_MS)
    expect(auth.getState().accessToken).toBe(server.stats.issued[2]) // [0] went to issueSession()
  })

  describe.each<WakeCause>(['visible', 'pageshow', 'focus', 'online'])('after a wake-up (%s)', (cause) => {
    it('refreshes at once when the refresh fell due while timers were throttled or the device slept', async () => {
      const { env, server, auth } = setup()
      server.issueSession()
      await auth.start()
      await runFor(env, 10_000)
      env.sleep(2 * 3_600_000)
      await flush()
      expect(server.stats.refreshRequests).toBe(1)
      env.wake(cause)
      await flush()
      expect(server.stats.refreshRequests).toBe(2)
      expect(server.stats.refreshLog[1]!.at).toBe(env.now())
      expect(auth.getState().expiresAt).toBeGreaterThan(env.now() + 50_000)
    })

    it('does not refresh a token that is not due yet', async () => {
      const { env, server, auth } = setup()
      server.issueSession()
      await auth.start()
      await runFor(env, 20_000)
      env.wake(cause)
      await flush()
      expect(server.stats.refreshRequests).toBe(1)
      await runFor(env, 10_000)
      expect(server.stats.refreshRequests).toBe(2)
    })
  })

  it('several wake-ups at once (visible + focus + pageshow) make one refresh', async () => {
    const { env, server, auth } = setup()
    server.issueSession()
    await auth.start()
    env.sleep(120_000)
    env.wake('visible')
    env.wake('focus')
    env.wake('pageshow')
    await flush()
    expect(server.stats.refreshRequests).toBe(2)
  })

  it('refreshes as soon as a timer that slept runs again, even without a wake-up event', async () => {
    const { env, server, auth } = setup()
    server.issueSession()
    const startedAt = env.now()
    await auth.start()
    await runFor(env, 10_000)
    env.sleep(120_000) // the 26.4 s timer now runs at 146.4 s
    await runFor(env, 16_399)
    expect(server.stats.refreshRequests).toBe(1)
    await runFor(env, 1)
    expect(server.stats.refreshLog.map(({ at }) => Math.round(at - startedAt))).toEqual([0, 146_400])
  })

  it('getAccessToken() with an expired token refreshes first and never returns the expired one', async () => {
    const { env, server, auth } = setup()
    server.issueSession()
    await auth.start()
    const old = auth.getState().accessToken!
    env.sleep(120_000)
    const token = await auth.getAccessToken()
    expect(token).not.toBe(old)
    expect(token).toBe(server.stats.issued.at(-1))
    expect(expiryOf(token)).toBeGreaterThan(env.now())
    expect(server.stats.refreshRequests).toBe(2)
  })

  it('getAccessToken() refreshes first when the token has less than minValidityMs left', async () => {
    const { env, server, auth } = setup()
    server.issueSession()
    await auth.start()
    env.sleep(50_000)
    const first = auth.getState().accessToken
    expect(await auth.getAccessToken()).toBe(first) // 10 s left: still good
    env.sleep(6_000)
    const second = await auth.getAccessToken() // 4 s left: refreshed first
    expect(second).not.toBe(first)
    expect(second).toBe(server.stats.issued.at(-1))
    expect(server.stats.refreshRequests).toBe(2)
  })
})

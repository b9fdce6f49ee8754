import { flush, type FakeEnvironment } from './fakeEnvironment'

/**
 * Lets `ms` of fake time pass the way a real page lives through it: the clock jumps from one due timer to the next,
 * and after each one pending promises and msw responses settle before the clock moves on. So a chain such as
 * "timer fires → refresh request → response → next timer" plays out at the exact fake times it would in a browser
 * (unlike {@link FakeEnvironment.advance}, which fires timers but lets no response arrive meanwhile).
 *
 * Throws when timers keep firing without the clock moving (a runaway loop), instead of hanging the test.
 *
 * @example
 * ```ts
 * await runFor(env, 10 * 60_000) // ten minutes of silent refreshes
 * expect(server.stats.refreshRequests).toBe(14)
 * ```
 */
export async function runFor(env: FakeEnvironment, ms: number, { maxTimersAtOneInstant = 100 } = {}): Promise<void> {
  const target = env.now() + ms
  await flush()
  let lastAt = Number.NaN
  let atThisInstant = 0
  for (;;) {
    const next = env.nextTimerAt
    if (next === undefined || next > target) break
    if (next === lastAt) {
      if (++atThisInstant > maxTimersAtOneInstant) {
        throw new Error(`runFor(): timers keep firing at ${new Date(next).toISOString()} without the clock moving`)
      }
    } else {
      lastAt = next
      atThisInstant = 0
    }
    env.advance(Math.max(0, next - env.now()))
    await flush()
  }
  env.advance(target - env.now())
  await flush()
}

import { kitError } from '../diagnostics/kitError'
import { flush, type TestClock } from './testClock'

/**
 * Lets `promise` settle while the fake clock runs: pending work first, then the next timer, and so on (the work may
 * need a timer: asking the other tabs, a retry). Rejects (TL806) when nothing is left to run and it has not settled.
 */
export async function drive<T>(clock: TestClock, promise: Promise<T>): Promise<T> {
  let settled = false
  const tracked = promise.finally(() => {
    settled = true
  })
  tracked.catch(() => {})
  for (let idle = 0; !settled; ) {
    await flush(3)
    if (settled) break
    const next = clock.nextTimerAt
    if (next !== undefined) {
      clock.fireNext(next)
      idle = 0
    } else if (++idle > 30) throw kitError(Error, 'TL806', 'settle', 'a request that never ends')
  }
  return tracked
}

/** Runs the clock, timer by timer, until `predicate` holds; `false` when `maxMs` of fake time pass first. */
export async function driveUntil(clock: TestClock, predicate: () => boolean, maxMs: number): Promise<boolean> {
  const deadline = clock.now() + maxMs
  await flush(3)
  while (!predicate()) {
    const next = clock.nextTimerAt
    if (next === undefined || next > deadline) return false
    clock.fireNext(next)
    await flush(3)
  }
  return true
}

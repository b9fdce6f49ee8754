import { FakeLockManager } from '@tokenlife/test-utils'
import { describe, expect, it } from 'vitest'

/** The simulated browser's Web Locks free a gone page's locks as a browser does: only those it still holds. */
describe('FakeLockManager.releaseHeldBy (a page goes away)', () => {
  const never = () => new Promise<never>(() => {})

  it("frees the gone page's lock for the next page in the queue", async () => {
    const locks = new FakeLockManager()
    const [gone, next] = [{}, {}]
    // Its request rejects (AbortError) once it no longer holds the lock, as a stolen Web Lock's does.
    const goneRequest = locks.request('refresh', { owner: gone }, never).catch((error: unknown) => error)
    let granted = false
    void locks.request('refresh', { owner: next }, () => {
      granted = true
      return never()
    })
    await Promise.resolve()
    expect(granted).toBe(false)
    locks.releaseHeldBy(gone)
    await new Promise((resolve) => setImmediate(resolve))
    expect(granted).toBe(true)
    expect(await goneRequest).toMatchObject({ name: 'AbortError' })
  })

  it('leaves a lock that another page took over from the gone page with that page', async () => {
    const locks = new FakeLockManager()
    const [gone, thief, waiter] = [{}, {}, {}]
    void locks.request('refresh', { owner: gone }, never).catch(() => {})
    void locks.request('refresh', { owner: thief, steal: true }, never)
    let waiterGranted = false
    void locks.request('refresh', { owner: waiter }, () => {
      waiterGranted = true
      return never()
    })
    locks.releaseHeldBy(gone)
    await new Promise((resolve) => setImmediate(resolve))
    expect(locks.isHeld('refresh')).toBe(true)
    expect(waiterGranted).toBe(false)
    expect(locks.maxConcurrentHolders).toBe(1)
  })
})

// Part 6's cycles in virtual time (bundled by leaks.mjs with esbuild, like fleetSession.mjs): tokenlife clients on
// @tokenlife/test-utils fakes, with counters of what a leak would leave behind.
import { FakeChannelHub } from '../../packages/test-utils/src/fakeChannelHub.ts'
import { FakeEnvironment, settle } from '../../packages/test-utils/src/fakeEnvironment.ts'
import { runFor } from '../../packages/test-utils/src/runFor.ts'
import { FakeLockManager } from '../../packages/test-utils/src/fakeLockManager.ts'
import { origin, sessionServer } from './fleetSession.mjs'
import { fleetTab } from './tokenlife.mjs'

function world() {
  const env = new FakeEnvironment(Date.UTC(2026, 0, 1))
  const hub = new FakeChannelHub()
  const locks = new FakeLockManager()
  const log = { requests: [], reuse: 0, lost: 0, logins: 0 }
  const fetch = sessionServer(env, { lifetimeS: 300, latencyMs: 10, log, bounded: true })
  const forks = []
  const open = () => {
    const tabEnv = env.fork()
    forks.push(tabEnv)
    return fleetTab({ ...tabEnv, fetch, locks, openChannel: hub.connect().openChannel }, origin)
  }
  // Forks of destroyed clients are dropped from the count once they hold no listener (so the array cannot grow).
  const wakeListeners = () => {
    let total = 0
    for (let i = forks.length - 1; i >= 0; i--) {
      total += forks[i].wakeListenerCount
      if (forks[i].wakeListenerCount === 0) forks.splice(i, 1)
    }
    return total
  }
  const counters = () => ({ timers: env.pendingTimers, wakeListeners: wakeListeners(), ports: hub.openPorts })
  // The harness's own records (the hub's message log, destroyed tabs' forks, the server's request log) are emptied
  // every cycle, so only the client's own growth remains.
  const tidy = () => {
    hub.posted.length = 0
    wakeListeners()
    log.count = (log.count ?? 0) + log.requests.length
    log.requests.length = 0
  }
  return { env, open, log, counters, tidy }
}

/**
 * `cycles` silent refreshes of a session open in two tabs: the clock runs on and the tabs' timers refresh as they
 * would in a browser left open for `cycles` token lifetimes. `measure(label, counters)` is called after `warmup`
 * refreshes and at the end (the caller takes the heap figure there).
 */
export async function refreshCycles(cycles, warmup, measure) {
  const { env, open, log, counters, tidy } = world()
  const a = open()
  const b = open()
  let listenerCalls = 0
  a.subscribe(() => listenerCalls++)
  await settle(env, a.start())
  await settle(env, a.login())
  await settle(env, b.start())
  tidy()
  log.count = 0
  let measuredWarm = false
  while (log.count < cycles) {
    await runFor(env, 60_000)
    tidy()
    if (!measuredWarm && log.count >= warmup) {
      measuredWarm = true
      await measure('warm', counters())
    }
  }
  await measure('end', counters())
  const result = { refreshes: log.count, reuse: log.reuse, listenerCalls, statusA: a.status(), statusB: b.status() }
  a.destroy()
  b.destroy()
  return result
}

/** `cycles` × (create a tab, start it next to a long-lived signed-in tab, subscribe, destroy it). */
export async function createDestroyCycles(cycles, warmup, measure) {
  const { env, open, counters, tidy } = world()
  const keeper = open()
  await settle(env, keeper.start())
  await settle(env, keeper.login())
  let adopted = 0
  for (let i = 1; i <= cycles; i++) {
    const tab = open()
    tab.subscribe(() => {})
    await settle(env, tab.start(), { stepMs: 10 })
    if (tab.status() === 'authenticated') adopted++
    tab.destroy()
    await settle(env, Promise.resolve(), { stepMs: 10 })
    tidy()
    if (i === warmup || i === cycles) await measure(i === warmup ? 'warm' : 'end', counters())
  }
  keeper.destroy()
  return { adopted }
}

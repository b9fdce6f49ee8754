import { FakeElectionHub, FakeEnvironment, type FakeElectionLink } from '@tokenlife/test-utils'
import { describe, expect, it, vi } from 'vitest'
import { createElectionLocks, type ElectionLibrary } from '../electionLocks'
import type { LockManagerPort } from '../ports'
import { RefreshLock } from '../refreshLock'
import { electionTiming } from './tabs'

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
/** A fallback round: the interval, then two rounds of 4 × responseTime. */
const FALLBACK_ROUND_MS = electionTiming.fallbackInterval + 8 * electionTiming.responseTime

/** `count` tabs of one origin, each with its own election port over its own link to one hub. */
function tabs(count: number): { link: FakeElectionLink; locks: LockManagerPort }[] {
  const hub = new FakeElectionHub()
  return Array.from({ length: count }, () => {
    const link = hub.connect()
    return { link, locks: createElectionLocks({ channel: link.channel, election: electionTiming }) }
  })
}

/** Counts how many callbacks hold the lock at once. */
function holders() {
  let now = 0
  const record = { max: 0, entered: [] as string[] }
  const hold = (id: string, work: () => Promise<unknown> = () => sleep(5)) => async () => {
    now++
    record.max = Math.max(record.max, now)
    record.entered.push(id)
    try {
      await work()
      return id
    } finally {
      now--
    }
  }
  return { record, hold }
}

/** A promise to hold the lock on, released by hand. */
function gate() {
  let open: () => void = () => {}
  const closed = new Promise<void>((resolve) => {
    open = resolve
  })
  return { closed, open }
}

/**
 * A lock callback that holds the lock until `release` opens, and a promise that resolves once it runs (the election
 * made its client the leader: only then may a test count on the lock being taken).
 */
function holdUntil<T>(release: Promise<T>) {
  const started = gate()
  return { started: started.closed, callback: () => (started.open(), release) }
}

/** Resolves once `condition()` holds; polls every 5 ms (real time), and fails the test after 20 s. */
async function eventually(condition: () => boolean): Promise<void> {
  for (let waited = 0; !condition(); waited += 5) {
    if (waited > 20_000) throw new Error('the condition never held')
    await sleep(5)
  }
}

/** Whether `promise` settles within `ms` of real time. */
const settlesWithin = (promise: Promise<unknown>, ms: number) =>
  Promise.race([promise.then(() => true, () => true), sleep(ms).then(() => false)])

const abortError = expect.objectContaining({ name: 'AbortError' })

describe('the leader-election lock (the fallback without Web Locks)', () => {
  it('many clients asking at once hold the lock one at a time, and every one of them gets it', async () => {
    const clients = tabs(4)
    const { record, hold } = holders()
    const results = await Promise.all(
      clients.flatMap(({ locks }, tab) => [0, 1].map((round) => locks.request('refresh', {}, hold(`${tab}.${round}`)))),
    )
    expect(record.max).toBe(1)
    expect(results.sort()).toEqual(['0.0', '0.1', '1.0', '1.1', '2.0', '2.1', '3.0', '3.1'])
  })

  it('locks of different names do not exclude each other', async () => {
    const [a, b] = tabs(2)
    const held = gate()
    const holder = holdUntil(held.closed)
    const first = a!.locks.request('one', {}, holder.callback)
    await holder.started
    await expect(b!.locks.request('two', {}, () => 'ran')).resolves.toBe('ran')
    held.open()
    await first
  })

  it('ifAvailable: the callback gets null while another client holds the lock, and the lock once it is free', async () => {
    const [a, b] = tabs(2)
    const held = gate()
    const holder = holdUntil(held.closed)
    const holding = a!.locks.request('refresh', {}, holder.callback)
    await holder.started
    await expect(b!.locks.request('refresh', { ifAvailable: true }, (lock) => lock)).resolves.toBeNull()
    held.open()
    await holding
    await expect(b!.locks.request('refresh', { ifAvailable: true }, (lock) => lock)).resolves.toEqual({ name: 'refresh' })
  })

  it('signal: aborting a waiting request rejects it with an AbortError; the holder and later requests are unaffected', async () => {
    const [a, b, c] = tabs(3)
    const held = gate()
    const holder = holdUntil(held.closed.then(() => 'a'))
    const holding = a!.locks.request('refresh', {}, holder.callback)
    await holder.started
    const waiting = new AbortController()
    const callback = vi.fn()
    const aborted = b!.locks.request('refresh', { signal: waiting.signal }, callback)
    // Aborted while it waits (at whatever point of the election it is).
    await sleep(50)
    waiting.abort()
    await expect(aborted).rejects.toEqual(abortError)
    await expect(b!.locks.request('refresh', { signal: AbortSignal.abort() }, callback)).rejects.toEqual(abortError)
    held.open()
    await expect(holding).resolves.toBe('a')
    await expect(c!.locks.request('refresh', {}, () => 'c')).resolves.toBe('c')
    expect(callback).not.toHaveBeenCalled()
  })

  it('steal cannot depose a leader that answers: it waits until the holder is done', async () => {
    const [a, b] = tabs(2)
    const { record, hold } = holders()
    const released = gate()
    const holder = holdUntil(released.closed)
    const holding = a!.locks.request('refresh', {}, hold('a', holder.callback))
    await holder.started
    const stealing = b!.locks.request('refresh', { steal: true }, hold('b'))
    expect(await settlesWithin(stealing, 4 * FALLBACK_ROUND_MS)).toBe(false)
    released.open()
    await Promise.all([holding, stealing])
    expect(record).toEqual({ max: 1, entered: ['a', 'b'] })
  })

  it('a holder that crashes (no goodbye) is replaced after a fallback round: no wedge', async () => {
    const [a, b] = tabs(2)
    const holder = holdUntil(new Promise(() => {})) // never lets go
    void a!.locks.request('refresh', {}, holder.callback)
    await holder.started
    const next = b!.locks.request('refresh', {}, () => 'b')
    // A live holder keeps the lock for as long as it likes.
    expect(await settlesWithin(next, 4 * FALLBACK_ROUND_MS)).toBe(false)
    a!.link.crash()
    await expect(next).resolves.toBe('b')
  })

  it('a frozen holder is replaced; when it thaws both leaders learn they lost the lock, and nobody else gets it until both are done', async () => {
    const [a, b, c] = tabs(3)
    const heldByA = gate()
    const heldByB = gate()
    const holder = holdUntil(heldByA.closed.then(() => 'a'))
    const aResult = a!.locks.request('refresh', {}, holder.callback)
    await holder.started
    a!.link.freeze()
    let bHolds = false
    const bResult = b!.locks.request('refresh', {}, () => {
      bHolds = true
      return heldByB.closed.then(() => 'b')
    })
    await eventually(() => bHolds)

    a!.link.thaw()
    // Like a stolen Web Lock: the request rejects, the callback runs on.
    await expect(aResult).rejects.toEqual(abortError)
    await expect(bResult).rejects.toEqual(abortError)
    const cResult = c!.locks.request('refresh', {}, () => 'c')
    expect(await settlesWithin(cResult, 4 * FALLBACK_ROUND_MS)).toBe(false)
    heldByA.open()
    heldByB.open()
    await expect(cResult).resolves.toBe('c')
  })

  it('loads broadcast-channel on the first request only, and again after a failed load', async () => {
    const library = await import('broadcast-channel')
    const load = vi.fn<() => Promise<ElectionLibrary>>().mockRejectedValueOnce(new Error('chunk failed')).mockResolvedValue(library)
    const locks = createElectionLocks({ load, channel: { type: 'simulate' }, election: electionTiming })
    expect(load).not.toHaveBeenCalled()
    await expect(locks.request('refresh', {}, () => 'ran')).rejects.toThrow('chunk failed')
    await expect(locks.request('refresh', {}, () => 'ran')).resolves.toBe('ran')
    await expect(locks.request('refresh', {}, () => 'ran')).resolves.toBe('ran')
    expect(load).toHaveBeenCalledTimes(2)
  })

  it("runs over the library's own simulate transport too", async () => {
    // The library's transport runs on real timers: an election decided in 10 ms (electionTiming) elects two leaders
    // whenever the machine stalls the process that long (it did under a loaded CI run), so this one gives 250 ms.
    const election = { responseTime: 250, fallbackInterval: 1000 }
    const [a, b] = [0, 1].map(() => createElectionLocks({ channel: { type: 'simulate' }, election }))
    const { record, hold } = holders()
    await Promise.all([a!, b!, a!, b!].map((locks, index) => locks.request('simulated', {}, hold(String(index)))))
    expect(record.max).toBe(1)
    expect(record.entered).toHaveLength(4)
  })
})

describe('RefreshLock over the election port (a FakeEnvironment without Web Locks)', () => {
  /** A client's refresh lock over its own election port. */
  function refreshLocks(count: number, timeoutMs = 15_000) {
    return tabs(count).map(({ link, locks }) => {
      const env = new FakeEnvironment()
      env.locks = locks
      return { env, link, lock: new RefreshLock(env, 'default', timeoutMs) }
    })
  }

  it('clients never hold it at once; each holder is told it was contended (no lock names carry the newest session)', async () => {
    const clients = refreshLocks(3)
    const { record, hold } = holders()
    const contended: boolean[] = []
    await Promise.all(
      clients.map(({ lock }, index) =>
        lock.run((wasContended) => {
          contended.push(wasContended)
          return hold(String(index))()
        }),
      ),
    )
    expect(record.max).toBe(1)
    expect(contended).toEqual([true, true, true])
  })

  it('a holder that crashes is taken over; its successor holds the lock alone', async () => {
    const [a, b] = refreshLocks(2)
    const aRuns = vi.fn()
    void a!.lock.run(() => {
      aRuns()
      return new Promise<never>(() => {})
    })
    await eventually(() => aRuns.mock.calls.length > 0)
    expect(aRuns).toHaveBeenCalledOnce()
    const next = b!.lock.run(async (_contended, stillHeld) => stillHeld())
    expect(await settlesWithin(next, 4 * FALLBACK_ROUND_MS)).toBe(false)
    a!.link.crash()
    await expect(next).resolves.toBe(true)
  })

  it("after lockTimeoutMs a holder that the probe finds silent is 'taken over', but the election only grants the lock when it is free", async () => {
    const [a, b] = refreshLocks(2, 1_000)
    const { record, hold } = holders()
    const released = gate()
    const first = a!.lock.run(hold('a', () => released.closed))
    await eventually(() => record.entered.includes('a'))
    b!.lock.probeHolderWith(() => Promise.resolve(false)) // nobody answers the probe
    const second = b!.lock.run(hold('b'))
    // b waits for the lock (its wait's timer is set), then the wait times out: probe, warning, steal.
    await eventually(() => b!.env.nextTimerAt !== undefined)
    b!.env.advance(1_000)
    await eventually(() => b!.env.warnings.length > 0)
    await sleep(4 * FALLBACK_ROUND_MS)
    expect(b!.env.warnings).toEqual([expect.stringContaining('taking it over')])
    expect(record.entered).toEqual(['a']) // the steal waits: the holder still answers the election
    released.open()
    await Promise.all([first, second])
    expect(record).toEqual({ max: 1, entered: ['a', 'b'] })
  })
})

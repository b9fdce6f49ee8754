import { mintAccessToken, runFor, settle, spyStorage } from '@tokenlife/test-utils'
import { describe, expect, it } from 'vitest'
import type { LockManagerPort } from '../ports'
import { defaultRefreshTiming, refreshWindow } from '../refreshTiming'
import { TAB_PROTOCOL_VERSION } from '../tabMessages'
import { setup } from './setup'
import { createSimBrowser, type SimBrowser } from './simBrowser'
import { createBrowser } from './tabs'

/** Runs the simulated browser until `promise` settles (swallowing its rejection). */
const quietly = (sim: SimBrowser, promise: Promise<unknown>) => settle(sim.clock, promise.catch(() => {}), { maxMs: 60_000 })

/**
 * Closes tab `a` the moment its refresh is on the wire (`afterClose` checks what the sibling sees then), then
 * refreshes `b` on a network so fast that its request would reach the server before `a`'s answer reaches the
 * browser, and lets `a`'s request finish.
 */
async function closeAsItLeavesThenRefresh(sim: SimBrowser, a: SimBrowser['open'][number], b: SimBrowser['open'][number], afterClose = () => {}) {
  for (let waited = 0; sim.network.inFlightFrom(a.id) === 0 && waited < 1_000; waited++) await sim.clock.run(1)
  expect(sim.network.inFlightFrom(a.id)).toBe(1)
  sim.closeTab(a)
  afterClose()
  sim.setLatency(10)
  await quietly(sim, b.auth.refresh())
  // The closed page's request reaches the server in the meantime.
  await sim.clock.run(1_000)
}

/** A browser with `count` tabs, signed in from the first one. */
async function signedIn(
  mode: 'cookie' | 'storage',
  count: number,
  options: { persistAccessToken?: boolean; seed?: number; latencyMs?: number; maxMessageDelayMs?: number; messageDelayMs?: number } = {},
) {
  const { seed = 7, persistAccessToken = false, latencyMs, maxMessageDelayMs, messageDelayMs } = options
  const sim = createSimBrowser({
    mode,
    seed,
    persistAccessToken,
    ...(latencyMs === undefined ? {} : { latencyMs }),
    ...(maxMessageDelayMs === undefined ? {} : { maxMessageDelayMs }),
    ...(messageDelayMs === undefined ? {} : { messageDelayMs }),
  })
  for (let i = 0; i < count; i++) sim.openTab()
  await quietly(sim, sim.open[0]!.auth.login({ username: 'u', password: 'secret' }))
  await sim.clock.run(1_000)
  return sim
}

describe('invariant 1: a refresh request that was sent is never aborted; its answer is read and reconciled', () => {
  it.each(['cookie', 'storage'] as const)('%s mode: a logout while a refresh is on the wire revokes what it brings; no tab adopts it', async (mode) => {
    const sim = await signedIn(mode, 3, { latencyMs: 100 })
    const [a, b] = sim.open
    const refreshing = a!.auth.refresh()
    // The server has acted; its answer is 100 ms away.
    for (let waited = 0; sim.server.stats.refreshRequests === 0 && waited < 1_000; waited++) await sim.clock.run(1)
    expect(sim.server.stats.refreshRequests).toBe(1)
    await quietly(sim, b!.auth.logout())
    await quietly(sim, refreshing)
    await sim.clock.run(2_000)

    expect(sim.network.abortedInFlight).toEqual([])
    for (const each of sim.open) expect(each.auth.getState()).toMatchObject({ status: 'unauthenticated', reason: 'logout' })
    // The refresh was answered after the logout: its new tokens were revoked at the server.
    const rotated = sim.server.stats.issued.at(-1)!
    expect(sim.network.requestedAt.get(rotated)?.tab).toBe(a!.id)
    expect(sim.server.stats.logouts.length).toBeGreaterThanOrEqual(2)
    if (mode === 'storage') {
      const revokedTokens = sim.server.stats.logouts.map((logout) => logout.body.get('token'))
      const newest = sim.server.stats.presented.at(-1)
      expect(revokedTokens).toContain(`rt-1-${Number(newest!.split('-')[2]) + 1}`)
    }
    expect(sim.server.stats.reuseDetected).toBe(0)
  })

  it.each(['cookie', 'storage'] as const)(
    '%s mode: callers that gave up (timeout) still get the answer adopted later; the lock waits for it, so no token is presented twice',
    async (mode) => {
      const sim = await signedIn(mode, 2)
      // 8 s each way: the answer comes after the callers' 10 s deadline.
      sim.setLatency(8_000)
      const [a, b] = sim.open
      const refreshing = a!.auth.refresh()
      // The callers' deadline (10 s after the request left) passes long before the answer (16 s).
      const outcome = await settle(sim.clock, refreshing.catch((error: unknown) => error), { maxMs: 12_000 })
      expect(outcome).toMatchObject({ name: 'NetworkError', timedOut: true })
      expect(a!.auth.getState().error).toMatchObject({ timedOut: true })
      // Meanwhile the sibling wants a refresh too: it waits for the lock instead of presenting the same token.
      const sibling = b!.auth.refresh()
      await quietly(sim, sibling)
      await sim.clock.run(1_000)
      const rotated = [...sim.network.requestedAt.entries()].find(([, request]) => request.tab === a!.id)![0]
      expect(sim.server.stats.reuseDetected).toBe(0)
      expect(sim.network.abortedInFlight).toEqual([])
      expect(a!.auth.getState().error).toBeUndefined()
      expect(a!.auth.getState().status).toBe('authenticated')
      expect(sim.server.stats.issued).toContain(rotated)
      expect(b!.auth.getState().accessToken).toBe(sim.server.stats.issued.at(-1))
    },
  )
  it('cookie mode: a tab closed while its refresh is on the wire: the next refresh waits for that answer (keepalive) and presents the rotated cookie', async () => {
    const sim = await signedIn('cookie', 2, { latencyMs: 100 })
    const [a, b] = sim.open
    void a!.auth.refresh().catch(() => {})
    for (let waited = 0; sim.server.stats.refreshRequests === 0 && waited < 1_000; waited++) await sim.clock.run(1)
    sim.closeTab(a!)
    // The next request would reach the server well before the closed tab's answer reaches the browser.
    sim.setLatency(10)
    await quietly(sim, b!.auth.refresh())

    expect(b!.auth.getState().status).toBe('authenticated')
    expect(sim.server.stats.refreshRequests).toBe(2)
    expect(sim.server.stats.reuseDetected).toBe(0)
  })

  it('cookie mode: a tab closed the moment its refresh left, before its sending mark reached anyone: the sibling that takes the lock next still waits for that answer (the record in IndexedDB)', async () => {
    // localStorage reaches other tabs only after 200 ms here; messages too.
    const sim = await signedIn('cookie', 2, { latencyMs: 100, messageDelayMs: 200 })
    const [a, b] = sim.open
    void a!.auth.refresh().catch(() => {})
    // The moment the request leaves, the page goes: the sibling gets the lock at once.
    const before = sim.server.stats.refreshRequests
    await closeAsItLeavesThenRefresh(sim, a!, b!, () => expect(sim.marks.portFor(b!.env).get('tokenlife:default:sending')).toBeNull())

    expect(b!.auth.getState().status).toBe('authenticated')
    expect(sim.server.stats.refreshRequests - before).toBe(2)
    expect(sim.server.stats.reuseDetected).toBe(0)
  })

  it('cookie mode: the device sleeps while a refresh records its departure, and the page is closed as the request leaves: the sibling still waits for that answer', async () => {
    const sim = await signedIn('cookie', 2, { latencyMs: 100 })
    const [a, b] = sim.open
    const before = sim.server.stats.refreshRequests
    void a!.auth.refresh().catch(() => {})
    // The moment between the sending mark and the request leaving: the record is being written to IndexedDB.
    const marked = () => sim.marks.portFor(a!.env).get('tokenlife:default:sending') !== null
    for (let waited = 0; !marked() && waited < 1_000; waited++) await sim.clock.run(1)
    expect(marked()).toBe(true)
    expect(sim.network.inFlightFrom(a!.id)).toBe(0)
    // The device sleeps longer than requestTimeoutMs right then; the request leaves when it wakes.
    sim.clock.sleep(15_000)
    await closeAsItLeavesThenRefresh(sim, a!, b!)

    expect(b!.auth.getState().status).toBe('authenticated')
    expect(sim.server.stats.refreshRequests - before).toBe(2)
    expect(sim.server.stats.reuseDetected).toBe(0)
  })

  it('cookie mode: a device that sleeps each time a refresh records its departure puts the refresh off (TL309, transient): nothing sent, the session kept', async () => {
    const sim = await signedIn('cookie', 1)
    const [a] = sim.open
    const before = sim.server.stats.refreshRequests
    let outcome: unknown = 'pending'
    a!.auth.refresh().then(
      () => (outcome = 'refreshed'),
      (error: unknown) => (outcome = error),
    )
    const mark = () => sim.marks.portFor(a!.env).get('tokenlife:default:sending')
    let slept = 0
    let last: string | null = null
    for (let waited = 0; outcome === 'pending' && waited < 5_000; waited++) {
      const now = mark()
      // Each new record (a new sending mark) is being written: the device sleeps right then.
      if (now !== null && now !== last) {
        last = now
        slept++
        sim.clock.sleep(15_000)
      }
      await sim.clock.run(1)
    }

    expect(slept).toBe(3)
    expect(outcome).toMatchObject({ code: 'TL309', transient: true })
    expect(sim.server.stats.refreshRequests - before).toBe(0)
    expect(a!.auth.getState().status).toBe('authenticated')
    expect(mark()).toBeNull()
  })

  it('cookie mode: a live tab whose refresh failed on the network removes its sending mark, so its retry does not wait', async () => {
    const sim = await signedIn('cookie', 1)
    const [a] = sim.open
    const sending = () => sim.marks.portFor(a!.env).get('tokenlife:default:sending')
    sim.network.loseNextResponses(1)
    const refreshing = a!.auth.refresh()
    for (let waited = 0; sim.server.stats.refreshRequests === 0 && waited < 1_000; waited++) await sim.clock.run(1)
    expect(sending()).not.toBeNull()
    await quietly(sim, refreshing)
    const failedAt = sim.clock.now()
    await sim.clock.run(100)
    expect(sending()).toBeNull()
    // The retry goes out after its backoff (about a second), not requestTimeoutMs (10 s) after the failed request left.
    for (let waited = 0; sim.server.stats.refreshRequests < 2 && waited < 30_000; waited += 10) await sim.clock.run(10)
    const retriedAt = sim.server.stats.refreshLog[1]!.at
    expect(retriedAt - failedAt).toBeLessThan(2_500)
  })
})

describe('invariant 2: the lock holder publishes before it releases', () => {
  it.each(['cookie', 'storage'] as const)('%s mode: refresh() in every tab at once sends one request, whatever the message delays', async (mode) => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const sim = await signedIn(mode, 5, { seed })
      const before = sim.server.stats.refreshRequests
      for (let round = 0; round < 5; round++) {
        await quietly(sim, Promise.all(sim.open.map((each) => each.auth.refresh())))
        await sim.clock.run(500)
      }
      expect(sim.server.stats.refreshRequests - before).toBe(5)
      expect(sim.server.stats.reuseDetected).toBe(0)
      const tokens = new Set(sim.open.map((each) => each.auth.getState().accessToken))
      expect([...tokens]).toEqual([sim.server.stats.issued.at(-1)])
    }
  })

  it.each(['cookie', 'storage'] as const)(
    "%s mode: a tab that takes the lock just after it was released, before the holder's news arrives, learns of the new token from the lock and asks for it",
    async (mode) => {
      let extra = 0
      let played = 0
      for (let seed = 1; seed <= 24; seed++) {
        // Messages and localStorage take up to 40 ms to reach another tab; the lock moves on at once.
        const sim = createSimBrowser({ mode, seed, maxMessageDelayMs: 40 })
        const [a, b] = [sim.openTab(), sim.openTab()]
        await quietly(sim, a.auth.login({ username: 'u', password: 'secret' }))
        await sim.clock.run(1_000)
        const before = sim.server.stats.refreshRequests
        let done = false
        void a.auth.refresh().finally(() => {
          done = true
        })
        for (let waited = 0; !done && waited < 5_000; waited++) await sim.clock.run(1)
        // B has not heard of A's new token yet, and asks for "a refresh" right after A let go of the lock.
        if (b.auth.getState().accessToken === sim.server.stats.issued.at(-1)) continue
        played++
        await quietly(sim, b.auth.refresh())
        await sim.clock.run(1_000)
        extra += sim.server.stats.refreshRequests - before - 1
        expect(b.auth.getState().accessToken).toBe(sim.server.stats.issued.at(-1))
        expect(sim.server.stats.reuseDetected).toBe(0)
      }
      expect(played).toBeGreaterThan(5)
      expect(extra).toBe(0)
    },
  )

  it('storage mode: the rotated refresh token is committed to storage before the lock goes, so a tab that cannot hear the holder in time still sends the new one', async () => {
    for (const seed of [1, 2, 3]) {
      // Messages and marks take up to 2 s between tabs (past tabQueryTimeoutMs); a storage write takes up to 50 ms.
      const sim = createSimBrowser({ mode: 'storage', seed, maxMessageDelayMs: 2_000, maxStorageDelayMs: 50 })
      const [a, b] = [sim.openTab(), sim.openTab()]
      await quietly(sim, a.auth.login({ username: 'u', password: 'secret' }))
      await sim.clock.run(5_000)
      let done = false
      void a.auth.refresh().finally(() => {
        done = true
      })
      for (let waited = 0; !done && waited < 5_000; waited++) await sim.clock.run(1)
      await quietly(sim, b.auth.refresh())
      await sim.clock.run(3_000)

      expect(sim.server.stats.reuseDetected).toBe(0)
      expect(b.auth.getState().status).toBe('authenticated')
    }
  })
})

describe('the lock is never taken from a live holder; a tab whose lock was taken does not send', () => {
  it('storage mode: a holder whose answer takes longer than lockTimeoutMs keeps the lock (it answers the probe); one request, no reuse', async () => {
    const sim = await signedIn('storage', 2)
    const [a, b] = sim.open
    // 9 s each way: the answer is 18 s away, past the waiter's 15 s lockTimeoutMs.
    sim.setLatency(9_000)
    const first = a!.auth.refresh()
    await sim.clock.run(1)
    // b waits for the lock from the start: its lockTimeoutMs (15 s) runs out before a's answer comes (18 s).
    const second = b!.auth.refresh()
    await quietly(sim, Promise.allSettled([first, second]))
    await sim.clock.run(30_000)

    expect(sim.server.stats.refreshRequests).toBe(1)
    expect(sim.server.stats.reuseDetected).toBe(0)
    for (const each of sim.open) expect(each.auth.getState().status).toBe('authenticated')
  })

  it.each(['cookie', 'storage'] as const)(
    '%s mode: a holder that hangs with its request on the wire is not taken over; when it runs again it reads the answer, and the waiter adopts it',
    async (mode) => {
      const sim = await signedIn(mode, 2, { latencyMs: 100 })
      const [a, b] = sim.open
      const first = a!.auth.refresh()
      first.catch(() => {})
      for (let waited = 0; sim.server.stats.refreshRequests === 0 && waited < 1_000; waited++) await sim.clock.run(1)
      // The server rotated; a's page hangs before it reads the answer (its timers, messages and answers wait).
      a!.env.freeze()
      const second = b!.auth.refresh()
      second.catch(() => {})
      await sim.clock.run(30_000)
      // Past lockTimeoutMs, and a's probe is silent: b still did not send the replaced token.
      expect(sim.server.stats.refreshRequests).toBe(1)
      a!.env.thaw()
      await quietly(sim, Promise.allSettled([first, second]))
      await sim.clock.run(30_000)

      expect(sim.server.stats.refreshRequests).toBe(1)
      expect(sim.server.stats.reuseDetected).toBe(0)
      for (const each of sim.open) expect(each.auth.getState().status).toBe('authenticated')
    },
  )

  it('a flight whose lock was taken over before it sent does not send (it fails transiently and retries later)', async () => {
    // A lock manager that grants the refresh lock and at once reports it taken over (a steal right after the grant).
    const locks: LockManagerPort = {
      request: (name, _options, callback) =>
        new Promise((resolve, reject) => {
          const running = Promise.resolve(callback({ name }))
          if (!name.endsWith(':refresh')) return void running.then(resolve, reject)
          reject(new DOMException('the lock was stolen', 'AbortError'))
        }),
    }
    const { auth, server, env } = setup({ refreshToken: 'storage', environment: { locks } })
    await auth.start().catch(() => {})
    auth.setTokens({ accessToken: mintAccessToken(env.now(), 60), refreshToken: 'rt-x' })
    const before = server.stats.refreshRequests
    await expect(auth.refresh()).rejects.toMatchObject({ transient: true, message: expect.stringMatching(/taken over/) })
    expect(server.stats.refreshRequests).toBe(before)
  })
})

describe('invariant 3: a logout is final', () => {
  it.each(['cookie', 'storage'] as const)('%s mode: a tab restored with its sessionStorage after a logout stays signed out, and so does every tab', async (mode) => {
    const sim = await signedIn(mode, 2, { persistAccessToken: true })
    const [a, b] = sim.open
    expect(a!.sessionValues.size).toBe(1)
    sim.closeTab(a!)
    await quietly(sim, b!.auth.logout())
    const restored = sim.restoreTab()!
    const newcomer = sim.openTab()
    await quietly(sim, Promise.all([restored.auth.start(), newcomer.auth.start()]))
    await sim.clock.run(5_000)
    for (const each of sim.open) expect(each.auth.getState().status).toBe('unauthenticated')
    // The restored tab dropped the token it had kept.
    expect(restored.sessionValues.size).toBe(0)
  })

  it.each(['cookie', 'storage'] as const)(
    '%s mode: a tab restored after a logout drops the access token it kept at once, even when its first refresh fails',
    async (mode) => {
      const sim = await signedIn(mode, 2, { persistAccessToken: true })
      const [a, b] = sim.open
      expect(a!.sessionValues.size).toBe(1)
      sim.closeTab(a!)
      await quietly(sim, b!.auth.logout())
      // The server is down when the tab comes back: its start-up refresh fails, and it keeps trying.
      const outage = (_request: Request) => new Response('down', { status: 503 })
      for (let i = 0; i < 20; i++) sim.server.respondNextRefresh(outage)
      const restored = sim.restoreTab()!
      await quietly(sim, restored.auth.start())
      await sim.clock.run(1_000)
      expect(restored.auth.getState().accessToken).toBeUndefined()
      // Nothing of the ended session is left behind in the tab's storage, although it has not heard from the server.
      expect(restored.sessionValues.size).toBe(0)
    },
  )

  it('a new tab that asks its siblings ignores an answer with a session that has ended (a sibling that missed the logout) and takes the newer one', async () => {
    const browser = createBrowser({ mode: 'storage', sharedStorage: false })
    // The stale tab listens first, so its answers arrive first.
    const stale = browser.openTab()
    await settle(browser.env, stale.auth.start())
    const current = browser.openTab()
    await current.auth.login({ username: 'u', password: 'secret' })
    await settle(browser.env, Promise.resolve())
    const ended = stale.auth.getState().accessToken
    expect(ended).toBeDefined()
    expect(ended).toBe(current.auth.getState().accessToken)
    // The stale tab misses the logout and the next login (asleep), and still holds the ended session, which it is
    // the first to offer.
    stale.link.asleep = true
    await current.auth.logout()
    await current.auth.login({ username: 'u', password: 'secret' })
    stale.link.asleep = false
    expect(stale.auth.getState().accessToken).toBe(ended)
    const newcomer = browser.openTab()
    await settle(browser.env, newcomer.auth.start())
    expect(newcomer.auth.getState()).toMatchObject({ status: 'authenticated', accessToken: current.auth.getState().accessToken })
    expect(browser.server.stats.refreshRequests).toBe(0)
  })

  it('an "ended" message that arrives late does not end a session that started after it; a current one does', async () => {
    const sim = await signedIn('cookie', 1)
    const [tab] = sim.open
    const session = tab!.auth.getState()
    const ended = (at: number) => ({ tokenlife: TAB_PROTOCOL_VERSION, namespace: 'default', from: 'elsewhere', type: 'ended', reason: 'logout', at })
    sim.hub.inject('tokenlife:default', ended(sim.clock.now() - 60_000))
    await sim.clock.run(100)
    expect(tab!.auth.getState()).toBe(session)
    sim.hub.inject('tokenlife:default', ended(sim.clock.now()))
    await sim.clock.run(100)
    expect(tab!.auth.getState()).toMatchObject({ status: 'unauthenticated', reason: 'logout' })
  })

  it('a login that was on the wire during a logout is revoked, not adopted', async () => {
    const sim = await signedIn('storage', 2)
    const [a, b] = sim.open
    const loggingIn = a!.auth.login({ username: 'u', password: 'secret' })
    await sim.clock.run(1)
    await quietly(sim, b!.auth.logout())
    await quietly(sim, loggingIn)
    await sim.clock.run(2_000)
    await expect(loggingIn).rejects.toMatchObject({ name: 'SessionEndedError', reason: 'logout' })
    for (const each of sim.open) expect(each.auth.getState().status).toBe('unauthenticated')
  })
})

describe('invariant 4: listeners run after the change is complete', () => {
  it('a subscriber that logs out during setTokens(): no throw, and nothing is written back after the logout cleared storage', async () => {
    const storage = spyStorage()
    const { env, auth } = setup({ refreshToken: 'storage', storage })
    await runFor(env, 1_000)
    const seen: string[] = []
    auth.subscribe((state) => {
      seen.push(`${state.status}:${auth.getState().status}`)
      if (state.status === 'authenticated') void auth.logout()
    })
    const state = auth.setTokens({ accessToken: mintAccessToken(env.now(), 60), refreshToken: 'rt-app' })
    expect(state.status).toBe('authenticated')
    await runFor(env, 1_000)
    expect(auth.getState()).toMatchObject({ status: 'unauthenticated', reason: 'logout' })
    // Each listener saw the state it was called with as the current one.
    expect(seen[0]).toBe('authenticated:authenticated')
    expect(await storage.get('tokenlife:default:refresh_token')).toBeUndefined()
  })

  it('a throwing debug callback or listener never breaks the client', async () => {
    const { env, auth } = setup({
      debug: () => {
        throw new Error('debug broke')
      },
    })
    auth.subscribe(() => {
      throw new Error('listener broke')
    })
    const state = auth.setTokens({ accessToken: mintAccessToken(env.now(), 60) })
    expect(state.status).toBe('authenticated')
    expect(auth.getState()).toBe(state)
    expect(env.warnings.some((warning) => warning.includes('debug broke'))).toBe(true)
    expect(env.warnings.some((warning) => warning.includes('listener broke'))).toBe(true)
  })

  it('a subscriber may call setTokens() or refresh() from inside its callback', async () => {
    const { env, server, auth } = setup()
    server.issueSession()
    await auth.start()
    const replacement = mintAccessToken(env.now(), 120, { jti: 'replacement' })
    let once = true
    auth.subscribe(() => {
      if (!once) return
      once = false
      auth.setTokens({ accessToken: replacement })
    })
    auth.setTokens({ accessToken: mintAccessToken(env.now(), 60, { jti: 'first' }) })
    expect(auth.getState().accessToken).toBe(replacement)
    let refreshed: Promise<unknown> | undefined
    const unsubscribe = auth.subscribe(() => {
      refreshed ??= auth.refresh()
    })
    auth.setTokens({ accessToken: mintAccessToken(env.now(), 60, { jti: 'third' }) })
    unsubscribe()
    const result = await refreshed
    expect(result).toMatchObject({ status: 'authenticated', accessToken: server.stats.issued.at(-1) })
    expect(auth.getState()).toBe(result)
  })
})

describe('invariant 5: a tab trusts a sibling only as far as the token says', () => {
  it("takes an adopted JWT's expiry from its exp, not from the message", async () => {
    const sim = await signedIn('cookie', 1)
    const [tab] = sim.open
    await quietly(sim, tab!.auth.logout())
    await sim.clock.run(10)
    const accessToken = mintAccessToken(sim.clock.now(), 60, { jti: 'sibling' })
    const now = sim.clock.now()
    sim.hub.inject('tokenlife:default', {
      tokenlife: TAB_PROTOCOL_VERSION,
      namespace: 'default',
      from: 'sibling',
      type: 'session',
      session: { id: 'x', startedAt: now, requestedAt: now, expiresAt: now + 86_400_000, lifetimeMs: 86_400_000, accessToken },
    })
    await sim.clock.run(100)
    const state = tab!.auth.getState()
    expect(state.accessToken).toBe(accessToken)
    expect(state.expiresAt).toBeLessThanOrEqual(Math.floor(now / 1000) * 1000 + 62_000)
  })

  it('over a channel that may persist messages, no token is sent, and tabs still refresh once each without reuse', async () => {
    const sim = createSimBrowser({ mode: 'storage', seed: 3 })
    const openChannel = sim.hub.connect.bind(sim.hub)
    sim.hub.connect = (env) => {
      const link = openChannel(env)
      const open = link.openChannel
      return { ...link, openChannel: (name) => ({ ...open(name), confidential: false }) }
    }
    for (let i = 0; i < 3; i++) sim.openTab()
    await quietly(sim, sim.open[0]!.auth.login({ username: 'u', password: 'secret' }))
    await quietly(sim, Promise.all(sim.open.map((each) => each.auth.getAccessToken())))
    const from = sim.clock.now()
    await sim.clock.run(240_000)
    const carried = JSON.stringify(sim.hub.posted)
    for (const token of sim.server.stats.issued) expect(carried).not.toContain(token)
    expect(carried).not.toContain('rt-')
    expect(sim.server.stats.reuseDetected).toBe(0)
    for (const each of sim.open) expect(each.auth.getState().status).toBe('authenticated')
    // Once each: every tab refreshes its own token, once per lifetime (60 s tokens: a new phase's first refresh after
    // at least 4.8 s, each later one 48 s after the last; refreshTiming.ts), so four minutes cost each tab four to six
    // requests, never two for one lifetime.
    const { earliestMs, steadyMs } = refreshWindow(defaultRefreshTiming, 60_000)
    for (const each of sim.open) {
      const times = sim.server.stats.refreshLog.filter((entry) => entry.tab === each.id && entry.at >= from).map((entry) => entry.at)
      expect(times.length, `tab ${each.id}`).toBeGreaterThanOrEqual(4)
      expect(times.length, `tab ${each.id}`).toBeLessThanOrEqual(6)
      for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!, `tab ${each.id}`).toBeGreaterThanOrEqual(i === 1 ? earliestMs : steadyMs)
    }
  })
})

describe('an end learnt late is recorded when it happened', () => {
  it.each(['storage', 'cookie'] as const)(
    '%s mode: a tab frozen through a logout and the next login adopts that login when it thaws (the logout does not end it)',
    async (mode) => {
      const sim = await signedIn(mode, 3)
      const [a, b, c] = sim.open
      c!.env.freeze()
      await quietly(sim, a!.auth.logout())
      await sim.clock.run(100)
      await quietly(sim, b!.auth.login({ username: 'u', password: 'secret' }))
      await sim.clock.run(100)
      expect(b!.auth.getState().status).toBe('authenticated')
      const before = sim.server.stats.refreshRequests
      // It thaws: the logout's news and the login's arrive together.
      c!.env.thaw()
      await sim.clock.run(1_000)

      expect(c!.auth.getState()).toMatchObject({ status: 'authenticated', accessToken: b!.auth.getState().accessToken })
      expect(sim.server.stats.refreshRequests).toBe(before)
    },
  )
})


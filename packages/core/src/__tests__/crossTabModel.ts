import { settle } from '@tokenlife/test-utils'
import { createAuthFetch, defaultRefreshTiming, type AuthClient } from '../index'
import { refreshWindow } from '../refreshTiming'
import { MAX_TABS, type Scenario } from './crossTabScenarios'
import { createSimBrowser, type SimTab } from './simBrowser'

export { scenarios, type Command, type Scenario } from './crossTabScenarios'

/** Each tab's app fetch (`createAuthFetch(auth)`, made once per client). */
const fetches = new WeakMap<AuthClient, typeof fetch>()
const fetchOf = (auth: AuthClient) => fetches.get(auth) ?? fetches.set(auth, createAuthFetch(auth)).get(auth)!

const LIFETIME_S = 60
/**
 * The engine's rule (refreshTiming.ts): a token obtained on schedule is refreshed no earlier than its steady point
 * (60 s − 12 s margin); one that begins a new phase (a login, an explicit refresh, a retry) no earlier than the start
 * of its spread window (4.8 s).
 */
const { steadyMs: STEADY_REFRESH_MS, earliestMs: EARLIEST_REFRESH_MS } = refreshWindow(defaultRefreshTiming, LIFETIME_S * 1000)
/**
 * Once every tab runs again, the longest any call of the model may take: a lock held by a flight whose request is on
 * the wire (4 × `lockTimeoutMs` = 60 s), a wait for a silent holder (`lockTimeoutMs`), the request itself
 * (`requestTimeoutMs`) and a logout's revocation (`logoutTimeoutMs`), with room to spare.
 */
const CALL_BOUND_MS = 180_000

/**
 * Plays `scenario` in a simulated browser and checks, after every step and at the end, what tokenlife promises:
 * no refresh token presented twice (but after a response the network lost), no session ended except by a logout
 * or a revocation the server really made, a logout is final (no tab holds a token requested before it, whatever
 * is restored), a logout reaches every tab, at most one refresh per token lifetime (narrow exemptions: an explicit
 * refresh storm or 401 wave costs one; a tab that could not hear its siblings, or that had nobody to ask), and
 * nobody stuck. Throws on the first violation.
 */
export async function playScenario(scenario: Scenario): Promise<void> {
  const sim = createSimBrowser({ ...scenario, lifetimeSeconds: LIFETIME_S })
  const { clock, server, network } = sim
  /** Every call a tab was asked to make that has not settled yet: by the end, none may be left in a live tab. */
  const pending = new Map<Promise<void>, { tab: SimTab; what: string }>()
  const track = (each: SimTab, what: string, promise: Promise<unknown>): Promise<void> => {
    const done: Promise<void> = promise.then(
      () => void pending.delete(done),
      () => void pending.delete(done),
    )
    pending.set(done, { tab: each, what })
    return done
  }
  /** Lets the clock run until `calls` settle (at most a minute): one still pending is checked at the end. */
  const quietly = async (calls: Promise<unknown>) => {
    try {
      await settle(clock, calls, { maxMs: 60_000 })
    } catch {
      // A frozen tab's call settles when it thaws; any other must settle by the end of the scenario.
    }
  }
  const fail = (what: string): never => {
    if (process.env.TOKENLIFE_SIM_LOG) process.stdout.write(`${JSON.stringify({ log: server.stats.refreshLog, presented: server.stats.presented, lost: network.lost, revocations: server.stats.revocations, windows, sends, frozen: [...frozen] })}\n`)
    throw new Error(`${what} (seed ${scenario.seed}, clock ${clock.now() - Date.UTC(2026, 0, 1)} ms)`)
  }

  const logoutTimes: number[] = []
  const revokeTimes: number[] = []
  /**
   * Explicit refresh storms and 401 waves: each may cost one refresh request. A flight whose callers gave up may still
   * be waiting for the lock (a frozen holder is taken over after lockTimeoutMs), so a window lasts 20 s longer.
   */
  const windows: { from: number; to: number }[] = []
  const frozen = new Map<string, [number, number][]>()
  const sends: { at: number; tab: string; couldAsk: boolean }[] = []
  /** Every token request (login or refresh) as it left, and whether its token keeps the phase (see refreshFlight.ts). */
  const tokenRequests: { at: number; onSchedule: boolean }[] = []

  const isFrozen = (t: SimTab) => t.env.frozen
  const setFrozen = (t: SimTab, value: boolean) => {
    if (t.env.frozen === value) return
    const spans = frozen.get(t.id) ?? []
    if (value) {
      t.env.freeze()
      spans.push([clock.now(), Number.POSITIVE_INFINITY])
    } else {
      t.env.thaw()
      spans[spans.length - 1]![1] = clock.now()
      t.env.wake('visible')
    }
    frozen.set(t.id, spans)
  }
  const wasFrozen = (id: string, from: number, to: number) =>
    (frozen.get(id) ?? []).some(([start, end]) => start <= to && end >= from)
  const newest = () => server.stats.issued.at(-1)

  // Record, for every refresh request as it leaves, whether a sibling could have given the newest token.
  const originalFetch = network.fetchFor.bind(network)
  network.fetchFor = (env, id) => {
    const send = originalFetch(env, id)
    return (input, init) => {
      const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url
      if (url.endsWith('/auth/login')) tokenRequests.push({ at: clock.now(), onSchedule: false })
      if (url.endsWith('/auth/refresh')) {
        const sender = sim.open.find((each) => each.id === id)
        const started = [...(sender?.events ?? [])].reverse().find((event) => event.type === 'refresh-started')
        const cause = started?.type === 'refresh-started' ? started.cause : undefined
        const onSchedule = (cause === 'schedule' || cause === 'demand') && sender?.auth.getState().error === undefined
        tokenRequests.push({ at: clock.now(), onSchedule })
        const token = newest()
        const couldAsk = sim.open.some(
          (other) =>
            other.id !== id &&
            !isFrozen(other) &&
            other.auth.getState().accessToken === token &&
            (other.auth.getState().expiresAt ?? 0) - 5_000 > clock.now(),
        )
        sends.push({ at: clock.now(), tab: id, couldAsk })
      }
      return send(input, init)
    }
  }
  const openTab = () => {
    if (sim.open.length >= MAX_TABS) return
    sim.openTab()
  }
  /** The device sleeps for `ms`: the clock jumps, timers wait, requests on the wire may be lost; then every page wakes. */
  const deviceSleeps = (ms: number) => {
    sim.network.sleptOverOrphans()
    clock.sleep(ms)
    for (const each of sim.open) each.env.wake('visible')
  }
  const pick = (index: number) => sim.open[index % Math.max(sim.open.length, 1)]

  const checkFinality = () => {
    const lastLogout = logoutTimes.at(-1)
    if (lastLogout === undefined) return
    for (const each of sim.open) {
      const token = each.auth.getState().accessToken
      if (token === undefined) continue
      const requested = network.requestedAt.get(token)?.at ?? Number.NEGATIVE_INFINITY
      if (requested <= lastLogout) fail(`tab ${each.id} holds a token requested at ${requested}, before the logout at ${lastLogout}`)
    }
  }

  for (let i = 0; i < scenario.tabs; i++) openTab()
  const first = sim.open[0]!
  await quietly(track(first, 'login', first.auth.login({ username: 'u', password: 'secret' })))

  for (const step of scenario.commands) {
    const target = 'tab' in step ? pick(step.tab) : undefined
    // The user can only use a tab they are looking at: it runs.
    if (target && ['getToken', 'api', 'login', 'logout'].includes(step.kind)) setFrozen(target, false)
    switch (step.kind) {
      case 'open':
        openTab()
        break
      case 'close':
        if (target && sim.open.length > 1) sim.closeTab(target)
        break
      case 'restore':
        if (sim.open.length < MAX_TABS) {
          sim.restoreTab()
        }
        break
      case 'discard':
        if (target) sim.discardAndReload(target)
        break
      case 'advance':
        await clock.run(step.ms)
        break
      case 'sleep':
        deviceSleeps(step.ms)
        break
      case 'sleepMidWrite':
        sim.duringNextWrite(() => deviceSleeps(step.ms))
        break
      case 'freeze':
        // Browsers do not freeze a page that holds a Web Lock (Chromium's freezing policy).
        if (target && target.locksHeld() === 0) setFrozen(target, true)
        break
      case 'thaw':
        if (target) setFrozen(target, false)
        break
      case 'getToken':
        if (target) await quietly(track(target, 'getAccessToken', target.auth.getAccessToken()))
        break
      case 'api':
        if (target) await quietly(track(target, 'fetch', fetchOf(target.auth)(`${server.origin}/api/me`)))
        break
      case 'login':
        if (target) await quietly(track(target, 'login', target.auth.login({ username: 'u', password: 'secret' })))
        break
      case 'logout':
        if (target) {
          logoutTimes.push(clock.now())
          await quietly(track(target, 'logout', target.auth.logout()))
          // Frozen tabs run again (as a page does when it is shown); then every tab must be signed out.
          for (const each of sim.open) setFrozen(each, false)
          await clock.run(1_000)
          for (const each of sim.open) {
            if (each.auth.getState().accessToken !== undefined) fail(`tab ${each.id} is still signed in after a logout`)
          }
        }
        break
      case 'storm': {
        const from = clock.now()
        const running = sim.open.filter((each) => !isFrozen(each))
        await quietly(Promise.all(running.map((each) => track(each, 'refresh', each.auth.refresh()))))
        windows.push({ from, to: clock.now() + 20_000 })
        break
      }
      case 'wave401': {
        const from = clock.now()
        server.rejectAccessTokens()
        const running = sim.open.filter((each) => !isFrozen(each))
        await quietly(Promise.all(running.map((each) => track(each, 'fetch', fetchOf(each.auth)(`${server.origin}/api/me`)))))
        windows.push({ from, to: clock.now() + 20_000 })
        break
      }
      case 'loseResponse':
        network.loseNextResponses(1)
        break
      case 'revoke':
        revokeTimes.push(clock.now())
        server.revokeAll()
        break
    }
    // Real time moves on between two things a user does.
    await clock.run(1)
    checkFinality()
  }

  for (const each of sim.open) setFrozen(each, false)
  await quietly(Promise.all(sim.open.map((each) => track(each, 'start', each.auth.start()))))
  // A tab still starting retries with backoff (after a lost response, an outage): give it time to settle.
  for (let waited = 0; waited < 180_000 && sim.open.some((each) => each.auth.getState().status === 'initializing'); waited += 1_000) {
    await clock.run(1_000)
  }
  await clock.run(1_000)
  checkFinality()
  // Every call a live tab was asked to make settles, bounded by the engine's own timeouts (a closed or discarded
  // page's calls die with it).
  const hanging = () => [...pending.values()].filter((call) => sim.open.includes(call.tab))
  for (let waited = 0; waited < CALL_BOUND_MS && hanging().length > 0; waited += 1_000) await clock.run(1_000)
  for (const call of hanging()) fail(`tab ${call.tab.id}'s ${call.what}() never settled`)

  // No refresh token presented again once rotated, except one whose rotated successor the network lost.
  const lostTokens = new Set(network.lost.map((lost) => lost.refreshToken))
  for (const reused of server.stats.reused) {
    if (!lostTokens.has(reused)) fail(`refresh token ${reused} presented again after it was rotated`)
  }
  // No session ended except by a logout or a revocation the server really made.
  for (const each of [...sim.open]) {
    for (const event of each.events) {
      if (event.type !== 'session-ended') continue
      if (event.reason === 'logout' && !logoutTimes.some((time) => time <= event.at)) fail(`tab ${each.id} ended 'logout' without a logout`)
      if (event.reason === 'revoked' && !server.stats.revocations.some((revocation) => revocation.at <= event.at)) {
        fail(`tab ${each.id} ended 'revoked' although the server revoked nothing`)
      }
    }
  }
  // At most one refresh per token lifetime. A request is early when it comes before the last token was due; an early
  // request is explained when its tab could not have learnt of that token (nobody to ask, or frozen), when the
  // network lost an answer since (the retry is the same refresh), or when a session ended since (a tab may ask the
  // server whether there is one). What is left must be an explicit storm's or 401 wave's one request.
  const ends = [...logoutTimes, ...revokeTimes, ...server.stats.revocations.map((revocation) => revocation.at)]
  const unexplained = sends.flatMap((send, index) => {
    const lastIssue = server.stats.issueTimes.filter((time) => time < send.at).at(-1)
    if (lastIssue === undefined) return []
    // The request that obtained the last token: a refresh on schedule keeps the phase, anything else begins a new one.
    const issuedBy = tokenRequests.filter((request) => request.at <= lastIssue).at(-1)
    if (send.at - lastIssue >= (issuedBy?.onSchedule ? STEADY_REFRESH_MS : EARLIEST_REFRESH_MS)) return []
    if (!send.couldAsk || wasFrozen(send.tab, lastIssue, send.at)) return []
    const since = (time: number) => time >= lastIssue && time <= send.at
    if (network.lost.some((lost) => since(lost.at)) || ends.some(since)) return []
    return [{ ...send, index, lastIssue }]
  })
  for (const send of unexplained) {
    // Counted over the stretch of overlapping windows this request falls in: one request per storm or wave.
    let [from, to] = [send.at, send.at]
    for (let grew = true; grew; ) {
      grew = false
      for (const window of windows) {
        if (window.to < from || window.from > to || (window.from >= from && window.to <= to)) continue
        ;[from, to] = [Math.min(from, window.from), Math.max(to, window.to)]
        grew = true
      }
    }
    const inStretch = (at: number) => at >= from && at <= to
    const allowed = windows.filter((window) => inStretch(window.from)).length
    if (allowed > 0 && unexplained.filter((other) => inStretch(other.at)).length <= allowed) continue
    fail(`refresh #${send.index} by tab ${send.tab} came ${send.at - send.lastIssue} ms after the last token was issued`)
  }
  // Nobody stuck: no tab still initializing.
  for (const each of sim.open) {
    if (each.auth.getState().status === 'initializing') fail(`tab ${each.id} is stuck initializing`)
  }
  // The lock may be held by a refresh under way, but never for good.
  for (let waited = 0; waited < 30_000 && sim.locks.isHeld('tokenlife:default:refresh'); waited += 1_000) await clock.run(1_000)
  if (sim.locks.isHeld('tokenlife:default:refresh')) fail('the refresh lock is wedged')
  for (const each of [...sim.open]) sim.closeTab(each, false)
}

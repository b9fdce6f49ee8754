import { settle } from '@tokenlife/test-utils'
import { describe, expect, it } from 'vitest'
import { RETRY_WINDOW_HEADER } from '../retryWindow'
import { createSimBrowser, type SimBrowser } from './simBrowser'

// A page closed or reloaded while its refresh is on the wire, against a server with an idempotent retry window: a
// refresh token presented again within the window is answered with the same successor. Once the server has said so
// (the `Tokenlife-Retry-Window` header on a token response, remembered in the shared marks), the next sender does not
// wait out `requestTimeoutMs` for the answer the page left behind: it sends at once.

const REQUEST_TIMEOUT_MS = 10_000

/**
 * Puts a retry window of `windowSeconds` in front of the simulated server: token responses advertise it (unless
 * `advertise` says otherwise), and a refresh token presented again within the window, whose successor has not been
 * presented yet, gets the first answer again (same access token, same rotated refresh token and cookie). The next
 * refresh is rotated at once and answered `slow.nextAnswerMs` later, if set.
 */
function withRetryWindow(sim: SimBrowser, windowSeconds: number, advertise = { now: true }) {
  const slow = { nextAnswerMs: 0 }
  const server = sim.server
  const handle = server.handle.bind(server)
  const answered = new Map<string, { at: number; status: number; headers: Headers; body: ArrayBuffer; successor: string }>()
  const replays: string[] = []
  const presentedIn = async (request: Request) =>
    new URLSearchParams(await request.clone().text()).get('refresh_token') ??
    /(?:^|;\s*)rt=([^;]+)/.exec(request.headers.get('Cookie') ?? '')?.[1]
  const advertised = (response: Response) => {
    if (advertise.now && response.ok) response.headers.set(RETRY_WINDOW_HEADER, String(windowSeconds))
    return response
  }
  server.handle = async (request: Request) => {
    const { pathname } = new URL(request.url)
    if (pathname !== '/auth/refresh') return advertised(await handle(request))
    const presented = await presentedIn(request)
    const earlier = presented === undefined ? undefined : answered.get(presented)
    if (earlier && sim.clock.now() - earlier.at <= windowSeconds * 1000 && !server.stats.presented.includes(earlier.successor)) {
      replays.push(presented!)
      return advertised(new Response(earlier.body.slice(0), { status: earlier.status, headers: new Headers(earlier.headers) }))
    }
    const response = await handle(request)
    if (response.ok && presented !== undefined) {
      const body = await response.clone().arrayBuffer()
      const successor = (JSON.parse(new TextDecoder().decode(body)) as { refresh_token: string }).refresh_token
      answered.set(presented, { at: sim.clock.now(), status: response.status, headers: new Headers(response.headers), body, successor })
    }
    const delay = slow.nextAnswerMs
    slow.nextAnswerMs = 0
    if (delay > 0) await new Promise<void>((resolve) => sim.clock.setTimeout(() => resolve(), delay))
    return advertised(response)
  }
  return { replays, slow }
}

const quietly = (sim: SimBrowser, promise: Promise<unknown>) => settle(sim.clock, promise.catch(() => {}), { maxMs: 60_000 })

/** A browser with one signed-in tab (and `siblings` more) in `mode`, in front of a server with a retry window. */
async function signedIn(mode: 'cookie' | 'storage', options: { windowSeconds?: number; siblings?: number } = {}) {
  const sim = createSimBrowser({ mode, seed: 11, latencyMs: 100 })
  const server = options.windowSeconds === undefined ? undefined : withRetryWindow(sim, options.windowSeconds)
  sim.openTab()
  for (let i = 0; i < (options.siblings ?? 0); i++) sim.openTab()
  await quietly(sim, sim.open[0]!.auth.login({ username: 'u', password: 'secret' }))
  await sim.clock.run(1_000)
  return { sim, replays: server?.replays ?? [], slow: server?.slow ?? { nextAnswerMs: 0 } }
}

/** Starts a refresh in `tab`, waits until the server has rotated (its answer is 100 ms away), then closes the tab. */
async function closeMidRefresh(sim: SimBrowser): Promise<number> {
  const [tab] = sim.open
  const before = sim.server.stats.refreshRequests
  void tab!.auth.refresh().catch(() => {})
  for (let waited = 0; sim.server.stats.refreshRequests === before && waited < 1_000; waited++) await sim.clock.run(1)
  expect(sim.server.stats.refreshRequests).toBe(before + 1)
  sim.closeTab(tab!)
  return sim.clock.now()
}

/** Runs the simulation until `tab` is authenticated (at most a minute); returns when, on the fake clock. */
async function authenticatedAt(sim: SimBrowser, tab: SimBrowser['open'][number]): Promise<number> {
  for (let waited = 0; tab.auth.getState().status !== 'authenticated' && waited < 60_000; waited += 10) await sim.clock.run(10)
  expect(tab.auth.getState().status).toBe('authenticated')
  return sim.clock.now()
}

describe('a page that goes mid-refresh, against a server with a retry window', () => {
  it('cookie mode: the reloaded page sends at once with the replaced cookie, gets the same successor, and is signed in within a second; no reuse', async () => {
    const { sim, replays, slow } = await signedIn('cookie', { windowSeconds: 30 })
    // The closed page's answer (and the rotated cookie in it) is 3 s away: the reloaded page starts long before.
    slow.nextAnswerMs = 3_000
    const closedAt = await closeMidRefresh(sim)
    // The reloaded page: a new client on the same origin (marks, cookie jar), which restores the session at start.
    const reloaded = sim.openTab()
    const signedInAt = await authenticatedAt(sim, reloaded)

    expect(signedInAt - closedAt).toBeLessThan(1_000)
    expect(sim.server.stats.reuseDetected).toBe(0)
    expect(sim.server.stats.revocations).toEqual([])
    // The reloaded page presented the cookie the closed page's answer replaces: the server answered it again.
    expect(replays).toHaveLength(1)
    await sim.clock.run(1_000)
    expect(reloaded.auth.getState().status).toBe('authenticated')
  })

  it('cookie mode: a sibling that refreshes while the closed page\'s answer is on the wire sends at once too; no reuse', async () => {
    const { sim, slow } = await signedIn('cookie', { windowSeconds: 30, siblings: 1 })
    slow.nextAnswerMs = 3_000
    const closedAt = await closeMidRefresh(sim)
    const [sibling] = sim.open
    const refreshing = sibling!.auth.refresh()
    await quietly(sim, refreshing)
    await expect(refreshing).resolves.toMatchObject({ status: 'authenticated' })
    expect(sim.server.stats.refreshLog.at(-1)!.at - closedAt).toBeLessThan(1_000)
    expect(sim.server.stats.reuseDetected).toBe(0)
  })

  it('storage mode: the reloaded page presents the stored token again and gets the successor the closed page lost; the session is kept', async () => {
    const { sim, replays } = await signedIn('storage', { windowSeconds: 30 })
    const closedAt = await closeMidRefresh(sim)
    const reloaded = sim.openTab()
    const signedInAt = await authenticatedAt(sim, reloaded)
    expect(signedInAt - closedAt).toBeLessThan(1_000)
    expect(replays).toHaveLength(1)
    expect(sim.server.stats.reuseDetected).toBe(0)
    expect(sim.server.stats.revocations).toEqual([])
  })
})

describe('a server that says nothing (or not enough) keeps today\'s wait', () => {
  /** When the refresh request that followed the closed page's reached the server. */
  async function nextRefreshArrival(sim: SimBrowser): Promise<{ closedAt: number; arrivedAt: number }> {
    const closedAt = await closeMidRefresh(sim)
    const reloaded = sim.openTab()
    await authenticatedAt(sim, reloaded)
    expect(sim.server.stats.reuseDetected).toBe(0)
    return { closedAt, arrivedAt: sim.server.stats.refreshLog.at(-1)!.at }
  }

  it('no header: the next sender waits until the answer on the wire is overdue (requestTimeoutMs after it left)', async () => {
    const { sim } = await signedIn('cookie')
    const { closedAt, arrivedAt } = await nextRefreshArrival(sim)
    expect(arrivedAt - closedAt).toBeGreaterThanOrEqual(REQUEST_TIMEOUT_MS - 200)
  })

  it('a window too short to cover a request sent now (window < requestTimeoutMs): it waits', async () => {
    const { sim } = await signedIn('cookie', { windowSeconds: 5 })
    const { closedAt, arrivedAt } = await nextRefreshArrival(sim)
    expect(arrivedAt - closedAt).toBeGreaterThanOrEqual(REQUEST_TIMEOUT_MS - 200)
  })

  it('a server that stops advertising: its next answer without the header takes the window back; then it waits', async () => {
    const sim = createSimBrowser({ mode: 'cookie', seed: 11, latencyMs: 100 })
    const advertise = { now: true }
    withRetryWindow(sim, 30, advertise)
    const [tab] = [sim.openTab()]
    await quietly(sim, tab!.auth.login({ username: 'u', password: 'secret' }))
    expect(sim.marks.portFor(tab!.env).get('tokenlife:default:retry')).not.toBeNull()
    advertise.now = false
    await quietly(sim, tab!.auth.refresh())
    await sim.clock.run(1_000)
    expect(sim.marks.portFor(tab!.env).get('tokenlife:default:retry')).toBeNull()
    const { closedAt, arrivedAt } = await nextRefreshArrival(sim)
    expect(arrivedAt - closedAt).toBeGreaterThanOrEqual(REQUEST_TIMEOUT_MS - 200)
  })
})

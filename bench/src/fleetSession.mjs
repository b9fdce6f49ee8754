// One session of the fleet part in virtual time (bundled by fleet.mjs with esbuild, because the fakes of
// @tokenlife/test-utils are TypeScript): the tabs of one browser on a FakeEnvironment clock, a FakeLockManager and a
// FakeChannelHub, against an in-process rotating server whose answers take `latencyMs` of virtual time.
import { FakeEnvironment } from '../../packages/test-utils/src/fakeEnvironment.ts'
import { FakeChannelHub } from '../../packages/test-utils/src/fakeChannelHub.ts'
import { FakeLockManager } from '../../packages/test-utils/src/fakeLockManager.ts'
import { mintAccessToken } from '../../packages/test-utils/src/jwt.ts'
import { runFor } from '../../packages/test-utils/src/runFor.ts'
import { fleetTab } from './tokenlife.mjs'

export const origin = 'https://auth.fleet.test'

/** The server half for one browser: cookie jar, rotating tokens, reuse revokes the family. */
export function sessionServer(env, { lifetimeS, latencyMs, log, bounded = false }) {
  const start0 = env.now()
  let cookie
  let nextToken = 1
  const tokens = new Map() // refresh token -> { family, used }
  const revoked = new Set()
  let families = 0
  const json = (status, body, setCookie) => {
    if (setCookie !== undefined) cookie = setCookie || undefined
    return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } })
  }
  const issue = (family) => {
    const refreshToken = `rt${nextToken++}`
    tokens.set(refreshToken, { family, used: false })
    // For the leak part: forget tokens long spent, so the server's memory does not count as the client's.
    if (bounded) tokens.delete(`rt${nextToken - 64}`)
    return { body: { access_token: mintAccessToken(env.now(), lifetimeS), token_type: 'Bearer', expires_in: lifetimeS }, refreshToken }
  }
  const handle = (path, sentCookie) => {
    if (path === '/auth/login') {
      log.logins++
      const { body, refreshToken } = issue(++families)
      return json(200, body, refreshToken)
    }
    if (path === '/auth/refresh') {
      log.requests.push(env.now())
      const record = tokens.get(sentCookie)
      log.trace?.push(`${env.now() - start0} refresh ${sentCookie}`)
      if (!record || revoked.has(record.family)) return json(400, { error: 'invalid_grant' })
      if (record.used) {
        log.reuse++
        if (!revoked.has(record.family)) log.lost++
        revoked.add(record.family)
        log.trace?.push(`${env.now() - start0} reuse ${sentCookie}`)
        return json(400, { error: 'invalid_grant', error_description: 'reuse' })
      }
      record.used = true
      const { body, refreshToken } = issue(record.family)
      return json(200, body, refreshToken)
    }
    if (path === '/auth/logout') {
      const record = tokens.get(sentCookie)
      if (record) revoked.add(record.family)
      return json(200, {}, '')
    }
    return json(404, {})
  }
  return (input) =>
    new Promise((resolve) => {
      const path = new URL(String(input)).pathname
      const sentCookie = cookie // the browser attaches the cookie when the request leaves
      env.setTimeout(() => resolve(handle(path, sentCookie)), latencyMs)
    })
}

/**
 * Plays one session's schedule (from fleet.mjs) and returns the server's log.
 * @param {{ events: { at: number, type: 'open' | 'close' | 'sleep', tab: number, ms?: number }[], hoursMs: number, lifetimeS: number, latencyMs: number, seed: number, timing?: object }} plan
 */
export async function simulateSession(plan) {
  const env = new FakeEnvironment(Date.UTC(2026, 0, 1))
  // The browser's Math.random: a stream of its own (mulberry32), independent of the schedule's generator. The same
  // LCG on the same seed as makeSchedule gave draws in lockstep with the session's sign-in time (consecutive LCG
  // outputs lie on a few lines), which bunched every session's random refresh point together.
  let state = (plan.seed ^ 0x5bd1e995) >>> 0
  env.random = () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
  }
  const start = env.now()
  const log = { requests: [], reuse: 0, lost: 0, logins: 0, signedOutTabs: 0 }
  const hub = new FakeChannelHub()
  const locks = new FakeLockManager()
  const fetch = sessionServer(env, { lifetimeS: plan.lifetimeS, latencyMs: plan.latencyMs, log })
  const tabs = new Map() // slot -> { client, link, env }
  let signedIn = false
  const open = async (slot) => {
    const tabEnv = env.fork()
    tabEnv.random = env.random
    const link = hub.connect()
    const client = fleetTab({ ...tabEnv, fetch, locks, openChannel: link.openChannel }, origin, plan.timing)
    tabs.set(slot, { client, link, env: tabEnv })
    const started = client.start()
    if (!signedIn) {
      await runFor(env, 1_000)
      await started
      if (client.status() !== 'authenticated') {
        const login = client.login()
        await runFor(env, 1_000)
        await login
      }
      signedIn = true
      // Requests before this were the page load's probe for a session (the arrival itself, not a refresh of one).
      log.signedInAt = env.now() - start
    }
  }
  if (plan.trace) log.trace = []
  for (const event of plan.events) {
    await runFor(env, Math.max(0, start + event.at - env.now()))
    log.trace?.push(`${env.now() - start} event ${event.type} ${event.tab} ${event.ms ?? ''}`)
    if (event.type === 'open' && !tabs.has(event.tab)) await open(event.tab)
    else if (event.type === 'close' && tabs.has(event.tab)) {
      tabs.get(event.tab).client.destroy()
      tabs.delete(event.tab)
    } else if (event.type === 'sleep') {
      for (const tab of tabs.values()) tab.link.asleep = true
      env.sleep(event.ms)
      for (const tab of tabs.values()) tab.link.asleep = false
      for (const tab of tabs.values()) tab.env.wake('visible')
    }
    // A session lost to reuse: the user signs in again in a tab that is open.
    if ([...tabs.values()].length && [...tabs.values()].every((tab) => tab.client.status() === 'unauthenticated')) {
      log.signedOutTabs++
      const [first] = tabs.values()
      const login = first.client.login()
      await runFor(env, 1_000)
      await login.catch(() => {})
    }
  }
  await runFor(env, Math.max(0, start + plan.hoursMs - env.now()))
  for (const tab of tabs.values()) tab.client.destroy()
  log.requests = log.requests.map((at) => at - start)
  return log
}

import { Redis } from 'ioredis'
import type { Page } from 'playwright'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEMO_USER } from '../../src/index'
import { apiStatus, BOUND_MS, openTabs, postAt, refreshOutcomes, signInAt, sleep, startFleet, type Fleet, type Instance } from './fleet'

// Revocation across instances, and the faults: whatever happens to Redis or the network, a revoked access token is
// never accepted past the staleness bound (the verifiers fail closed), no session is lost that should live, and
// every request gets an answer.
// Access tokens live long enough for a fault scenario to finish with them; tabs refresh every few seconds.
const TTL_SECONDS = 8
let fleet: Fleet
let A: Instance, B: Instance, C: Instance
beforeAll(async () => {
  fleet = await startFleet({ ttlSeconds: TTL_SECONDS })
  ;[A, B, C] = fleet.instances as [Instance, Instance, Instance]
}, 60_000)
afterAll(async () => {
  await fleet?.close()
})

/** After the bound, `token` must be refused by B and C: 401, or 503 where an instance cannot tell; never 200. */
async function expectRefusedElsewhere(token: string, { allowUnavailable = false } = {}) {
  await sleep(BOUND_MS)
  for (const instance of [B, C]) {
    const status = await apiStatus(instance, token)
    if (allowUnavailable) expect([401, 503]).toContain(status)
    else expect(status).toBe(401)
  }
}

const changePassword = (instance: Instance, bearer: string, currentPassword: string, newPassword: string) =>
  fetch(`${instance.server.url}/auth/change-password`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${bearer}` },
    body: JSON.stringify({ currentPassword, newPassword }),
  })

describe('revocation on one instance reaches the others within the bound', () => {
  it('logout on A: the access token is refused on B and C', async () => {
    const session = await signInAt(A)
    expect([await apiStatus(B, session.access), await apiStatus(C, session.access)]).toEqual([200, 200])
    expect((await postAt(A, '/auth/logout', {}, { cookie: session.refresh, bearer: session.access })).status).toBe(200)
    await expectRefusedElsewhere(session.access)
    expect((await postAt(C, '/auth/refresh', { grant_type: 'refresh_token' }, { cookie: session.refresh })).status).toBe(400)
  })

  it('logout everywhere on A: every session\'s access token is refused on B and C, and none refreshes', async () => {
    const [one, two] = [await signInAt(A), await signInAt(B)]
    expect((await postAt(A, '/auth/logout-everywhere', {}, { bearer: one.access })).status).toBe(200)
    await expectRefusedElsewhere(two.access)
    expect((await postAt(B, '/auth/refresh', { grant_type: 'refresh_token' }, { cookie: two.refresh })).status).toBe(400)
  })

  it('a password change on A: the user\'s other access tokens are refused on B and C; the changer\'s new ones work', async () => {
    const [changer, other] = [await signInAt(A), await signInAt(C)]
    const changed = await changePassword(A, changer.access, DEMO_USER.password, 'a-new-password')
    expect(changed.status).toBe(200)
    const fresh = ((await changed.json()) as { access_token: string }).access_token
    await expectRefusedElsewhere(other.access)
    expect([await apiStatus(B, fresh), await apiStatus(C, fresh)]).toEqual([200, 200])
    expect((await changePassword(B, fresh, 'a-new-password', DEMO_USER.password)).status).toBe(200)
  })
})

describe('faults', () => {
  it('Redis restarted mid-run: tabs that refresh through it keep their session; revocation works after it', async () => {
    const context = await fleet.browser.newContext()
    const tabs: Page[] = await openTabs(context, fleet, 5, 'cookie')
    await tabs[0]!.evaluate((user) => window.auth.login({ email: user.email, password: user.password }), DEMO_USER)
    await expect.poll(() => Promise.all(tabs.map((tab) => tab.evaluate(() => window.auth.getState().status)))).toEqual(Array(5).fill('authenticated'))
    for (const tab of tabs) await tab.evaluate(() => void (window.seen = []))
    const from = fleet.events().length
    const restarting = fleet.redis.restart({ downMs: 1_500 })
    await sleep(300)
    // A refresh while Redis is down: a 503, which the SDK takes as transient (it keeps the session and retries).
    const during = await tabs[0]!.evaluate(() => window.auth.refresh().then(() => 'refreshed', (error: Error) => error.name))
    expect(during).toBe('ServerError')
    await restarting
    // Two lifetimes after Redis came back: every refresh since has rotated once, the session lives in every tab.
    await sleep(TTL_SECONDS * 2_000)
    const outcomes = refreshOutcomes(fleet.events().slice(from))
    expect(outcomes.reuse ?? 0).toBe(0)
    expect(outcomes.success ?? 0).toBeGreaterThanOrEqual(1)
    for (const tab of tabs) {
      expect(await tab.evaluate(() => window.auth.getState().status)).toBe('authenticated')
      expect(await tab.evaluate(() => window.seen.includes('unauthenticated'))).toBe(false)
    }
    await context.close()
    // The feeds reconnected and re-read: a logout now reaches every instance.
    const session = await signInAt(A)
    await postAt(A, '/auth/logout', {}, { bearer: session.access })
    await expectRefusedElsewhere(session.access)
  }, 90_000)

  it('the feed connection dropped: a denial published meanwhile is still refused past the bound; the feed comes back', async () => {
    const session = await signInAt(A)
    const admin = new Redis(fleet.redis.url)
    await admin.call('CLIENT', 'KILL', 'TYPE', 'pubsub')
    await postAt(A, '/auth/logout', {}, { bearer: session.access })
    await expectRefusedElsewhere(session.access)
    await admin.quit()
    for (const instance of [A, B, C]) await expect.poll(() => instance.server.verifier.stalenessMs <= BOUND_MS, { timeout: 10_000 }).toBe(true)
  })

  it('one instance partitioned from Redis: it never accepts the revoked token (503 while it cannot tell), answers every request, and recovers', async () => {
    const [revoked, live] = [await signInAt(A), await signInAt(B)]
    C.redisProxy.partition()
    await postAt(A, '/auth/logout', {}, { bearer: revoked.access })
    await expectRefusedElsewhere(revoked.access, { allowUnavailable: true })
    expect(await apiStatus(B, revoked.access)).toBe(401)
    // Past the bound C cannot tell a live token from a revoked one: it fails closed with a 503, not a 200.
    expect(await apiStatus(C, live.access)).toBe(503)
    // Its refresh endpoint answers too (a 503 the SDK retries), without consuming the token.
    expect((await postAt(C, '/auth/refresh', { grant_type: 'refresh_token' }, { cookie: live.refresh })).status).toBe(503)
    C.redisProxy.heal()
    // Healed: C refreshes the session it refused to touch (no session lost), and its tokens pass everywhere.
    const refreshAtC = async () => {
      const reply = await postAt(C, '/auth/refresh', { grant_type: 'refresh_token' }, { cookie: live.refresh })
      return reply.status === 200 ? ((await reply.json()) as { access_token: string }).access_token : reply.status
    }
    await expect.poll(refreshAtC, { timeout: 15_000 }).toEqual(expect.any(String))
    const again = await signInAt(B)
    await expect.poll(() => apiStatus(C, again.access), { timeout: 15_000 }).toBe(200)
    expect(await apiStatus(C, revoked.access)).toBe(401)
  }, 60_000)

  it('a slow Redis (150 ms each way): concurrent refreshes of one token at three instances rotate it once; revocation still arrives', async () => {
    for (const instance of fleet.instances) instance.redisProxy.setDelay(150)
    try {
      const session = await signInAt(A)
      const from = fleet.events().length
      const replies = await Promise.all(
        [A, B, C].map((instance) => postAt(instance, '/auth/refresh', { grant_type: 'refresh_token' }, { cookie: session.refresh })),
      )
      expect(replies.map((reply) => reply.status)).toEqual([200, 200, 200])
      const cookies = new Set(replies.map((reply) => /tokenlife_rt=([^;]*)/.exec(reply.headers.get('set-cookie') ?? '')?.[1]))
      // One rotation; the others were retries within the window and got the same successor.
      expect(cookies.size).toBe(1)
      expect(refreshOutcomes(fleet.events().slice(from))).toEqual({ success: 1, retried: 2 })
      await postAt(A, '/auth/logout', {}, { bearer: session.access })
      await expectRefusedElsewhere(session.access)
    } finally {
      for (const instance of fleet.instances) instance.redisProxy.setDelay(0)
    }
  }, 60_000)
})

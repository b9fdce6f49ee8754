import { setTimeout as sleep } from 'node:timers/promises'
import { describe, expect, it } from 'vitest'
import { InMemoryAuthStore } from '../src/index'
import { call, DEMO, login, signIn, start } from './helpers'

/** A store as slow as a networked database: every user lookup takes 250 ms, so concurrent attempts overlap (even when a loaded machine spreads their arrival). */
class SlowUserStore extends InMemoryAuthStore {
  override async findUserByEmail(email: string) {
    await sleep(250)
    return super.findUserByEmail(email)
  }
  override async findUserById(id: string) {
    await sleep(250)
    return super.findUserById(id)
  }
}

const statuses = (replies: Array<{ status: number }>) => {
  const counts: Record<number, number> = {}
  for (const { status } of replies) counts[status] = (counts[status] ?? 0) + 1
  return counts
}

describe('rate limits under concurrency (charged before the password hash)', () => {
  it('60 parallel wrong passwords for one account: 5 get 401, the other 55 get 429', async () => {
    const server = await start({ store: new SlowUserStore() })
    const replies = await Promise.all(
      Array.from({ length: 60 }, (_, i) => login(server, { email: DEMO.email, password: `wrong-${i}` })),
    )
    expect(statuses(replies)).toEqual({ 401: 5, 429: 55 })
    expect(replies.find((r) => r.status === 429)?.body.error).toBe('too_many_requests')
    expect(server.stats).toMatchObject({ loginFailures: 5, loginRateLimited: 55 })
    // The right password is refused too until the window has passed.
    expect((await login(server)).status).toBe(429)
  })

  it('60 parallel wrong logins for 60 accounts from one IP: 20 get 401, the other 40 get 429', async () => {
    const server = await start({ store: new SlowUserStore() })
    const replies = await Promise.all(
      Array.from({ length: 60 }, (_, i) => login(server, { email: `user${i}@example.com`, password: 'wrong' })),
    )
    expect(statuses(replies)).toEqual({ 401: 20, 429: 40 })
  })

  it('a success takes its charge back: successes never use up the limits', async () => {
    const server = await start({ store: new SlowUserStore(), loginRateLimit: { perEmail: 5, perIp: 5 } })
    // Up to the limit may be in flight at once; all of them succeed.
    expect(statuses(await Promise.all(Array.from({ length: 5 }, () => login(server))))).toEqual({ 200: 5 })
    // Without refunds the IP would now be at its limit of 5.
    for (let i = 0; i < 10; i += 1) expect((await login(server)).status).toBe(200)
    for (let i = 0; i < 4; i += 1) expect((await login(server, { ...DEMO, password: 'wrong' })).status).toBe(401)
    expect((await login(server)).status).toBe(200)
  })

  it('the charge is per attempt in flight: more parallel attempts than the limit get 429 even with the right password', async () => {
    const server = await start({ store: new SlowUserStore() })
    expect(statuses(await Promise.all(Array.from({ length: 8 }, () => login(server))))).toEqual({ 200: 5, 429: 3 })
  })

  it('change-password: 20 parallel wrong current passwords: 5 get 400, the other 15 get 429', async () => {
    const server = await start({ store: new SlowUserStore() })
    const { access } = await signIn(server)
    const replies = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        call(server, '/auth/change-password', {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${access}` },
          body: JSON.stringify({ currentPassword: `wrong-${i}`, newPassword: 'a-new-password' }),
        }),
      ),
    )
    expect(statuses(replies)).toEqual({ 400: 5, 429: 15 })
    expect(replies.filter((r) => r.status === 400).every((r) => r.body.error === 'invalid_grant')).toBe(true)
    expect(Number(replies.find((r) => r.status === 429)?.headers.get('retry-after'))).toBeGreaterThan(0)
  })
})

import { describe, expect, it } from 'vitest'
import { createSecretKeyRing, createUser, hashRefreshToken, Issuer, MemoryStore } from '../../src/index'

const SECRET = 'test-secret-test-secret-test-secret-0123456789'

async function setup(options: { retryWindowSeconds?: number } = {}) {
  const clock = { now: Date.parse('2030-01-01T00:00:00Z') }
  const store = new MemoryStore()
  const issuer = new Issuer({
    store,
    keys: createSecretKeyRing(SECRET),
    issuer: 'test',
    audience: 'test-api',
    accessTokenTtlSeconds: 30,
    scrypt: { N: 1024, r: 8, p: 1 },
    now: () => clock.now,
    ...options,
  })
  const user = await createUser(store, { email: 'a@example.test', password: 'password-1', name: 'A' }, { N: 1024, r: 8, p: 1 })
  return { clock, store, issuer, user }
}

describe('Issuer: rotation and reuse', () => {
  it('rotates; a rotated token presented again is reuse and ends the whole family', async () => {
    const { issuer, user } = await setup()
    const first = await issuer.startSession(user)
    const second = await issuer.refresh(first.refreshToken)
    expect(second).toMatchObject({ ok: true, retried: false })
    const again = await issuer.refresh(first.refreshToken)
    expect(again).toMatchObject({ ok: false, reason: 'reuse' })
    if (!second.ok) throw new Error('unreachable')
    expect(await issuer.refresh(second.pair.refreshToken)).toMatchObject({ ok: false, reason: 'revoked' })
  })

  it('the successor is derived from the token and its seed, and only its hash is stored', async () => {
    const { issuer, store, user } = await setup()
    const first = await issuer.startSession(user)
    const second = await issuer.refresh(first.refreshToken)
    if (!second.ok) throw new Error('refresh failed')
    const stored = await store.getRefreshToken(hashRefreshToken(first.refreshToken))
    expect(stored?.successorHash).toBe(hashRefreshToken(second.pair.refreshToken))
    expect(JSON.stringify([...store.refreshTokens.values()])).not.toContain(second.pair.refreshToken)
  })
})

describe('Issuer: the retry window', () => {
  it('a token presented again within the window gets the same successor (and a fresh access token); after it, reuse', async () => {
    const { issuer, clock, user } = await setup({ retryWindowSeconds: 10 })
    const first = await issuer.startSession(user)
    const rotated = await issuer.refresh(first.refreshToken)
    clock.now += 10_000
    const retried = await issuer.refresh(first.refreshToken)
    expect(retried).toMatchObject({ ok: true, retried: true })
    if (!rotated.ok || !retried.ok) throw new Error('unreachable')
    expect(retried.pair.refreshToken).toBe(rotated.pair.refreshToken)
    expect(retried.pair.accessToken).not.toBe(rotated.pair.accessToken)
    clock.now += 1
    expect(await issuer.refresh(first.refreshToken)).toMatchObject({ ok: false, reason: 'reuse' })
  })

  it('once the successor itself was used, presenting the old token is reuse, even within the window', async () => {
    const { issuer, user } = await setup({ retryWindowSeconds: 30 })
    const first = await issuer.startSession(user)
    const second = await issuer.refresh(first.refreshToken)
    if (!second.ok) throw new Error('unreachable')
    expect(await issuer.refresh(second.pair.refreshToken)).toMatchObject({ ok: true, retried: false })
    expect(await issuer.refresh(first.refreshToken)).toMatchObject({ ok: false, reason: 'reuse' })
  })

  it('concurrent presentations of one token: every one gets the same successor, none is reuse', async () => {
    const { issuer, user } = await setup({ retryWindowSeconds: 30 })
    const first = await issuer.startSession(user)
    const results = await Promise.all(Array.from({ length: 5 }, () => issuer.refresh(first.refreshToken)))
    expect(results.every((result) => result.ok)).toBe(true)
    expect(new Set(results.map((result) => (result.ok ? result.pair.refreshToken : '')))).toHaveProperty('size', 1)
    expect(results.filter((result) => result.ok && !result.retried)).toHaveLength(1)
  })

  it('no retry for a family that ended (logout) or at an old token version', async () => {
    const { issuer, user } = await setup({ retryWindowSeconds: 30 })
    const a = await issuer.startSession(user)
    await issuer.refresh(a.refreshToken)
    await issuer.revokeFamily(a.familyId, 'logout')
    expect(await issuer.refresh(a.refreshToken)).toMatchObject({ ok: false, reason: 'reuse' })
    const b = await issuer.startSession(user)
    await issuer.refresh(b.refreshToken)
    await issuer.bumpTokenVersion(user.id)
    expect(await issuer.refresh(b.refreshToken)).toMatchObject({ ok: false, reason: 'reuse' })
  })

  it('is off by default: a second presentation is reuse at once', async () => {
    const { issuer, user } = await setup()
    const first = await issuer.startSession(user)
    await issuer.refresh(first.refreshToken)
    expect(await issuer.refresh(first.refreshToken)).toMatchObject({ ok: false, reason: 'reuse' })
  })

  it('refuses a bad window with a TypeError naming it', async () => {
    const store = new MemoryStore()
    expect(() => new Issuer({ store, keys: createSecretKeyRing(SECRET), issuer: 'i', audience: 'a', retryWindowSeconds: -1 })).toThrow(
      /retryWindowSeconds must be a non-negative number of seconds/,
    )
  })
})

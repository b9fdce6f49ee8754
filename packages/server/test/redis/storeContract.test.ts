import { randomUUID } from 'node:crypto'
import { startTestRedis, type TestRedis } from '@tokenlife/test-utils/redis'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { AuthStore, FeedListener, RefreshTokenRecord, RevocationChange, User } from '../../src/index'
import { MemoryStore } from '../../src/index'
import { RedisStore } from '../../src/redis'

// The one contract every store passes: the in-process store and the Redis store, each as two "instances" (two
// store objects; for Redis, two sets of connections to one server).

let redis: TestRedis
beforeAll(async () => {
  redis = await startTestRedis()
})
afterAll(async () => {
  await redis?.stop()
})

const opened: AuthStore[] = []
afterEach(async () => {
  await Promise.all(opened.splice(0).map((store) => store.close()))
})

/** Two instances on one shared store (a fresh key prefix per test for Redis). */
const stores: Record<string, () => [AuthStore, AuthStore]> = {
  memory: () => {
    const store = new MemoryStore()
    return [store, store]
  },
  redis: () => {
    const prefix = `contract-${randomUUID()}:`
    const made = [new RedisStore({ redis: redis.url, prefix }), new RedisStore({ redis: redis.url, prefix })] as [RedisStore, RedisStore]
    opened.push(...made)
    return made
  },
}

const NOW = Date.now()
const user = (overrides: Partial<User> = {}): User => ({
  id: randomUUID(),
  email: `${randomUUID()}@example.test`,
  name: 'Someone',
  passwordHash: 'scrypt$1$1$1$x$y',
  tokenVersion: 0,
  ...overrides,
})
const record = (familyId: string, userId: string, overrides: Partial<RefreshTokenRecord> = {}): RefreshTokenRecord => ({
  tokenHash: randomUUID(),
  familyId,
  userId,
  issuedAt: NOW,
  expiresAt: NOW + 3_600_000,
  usedAt: null,
  seed: randomUUID(),
  successorHash: null,
  ...overrides,
})

async function withFamily(store: AuthStore, options: { expiresAt?: number } = {}) {
  const owner = user()
  await store.createUser(owner)
  const familyId = randomUUID()
  await store.createFamily({ id: familyId, userId: owner.id, tokenVersion: 0, createdAt: NOW, revokedAt: null, revokedReason: null })
  const first = record(familyId, owner.id, options.expiresAt ? { expiresAt: options.expiresAt } : {})
  await store.saveRefreshToken(first)
  return { owner, familyId, first }
}

/** A feed listener that records what it hears. */
function listen(store: AuthStore) {
  const heard: RevocationChange[] = []
  let connections = 0
  const listener: FeedListener = {
    change: (change) => heard.push(change),
    connected: () => void connections++,
    disconnected: () => {},
  }
  const stop = store.subscribe(listener)
  return { heard, stop, connections: () => connections }
}

describe.each(Object.keys(stores))('the store contract: %s', (kind) => {
  const make = stores[kind]!

  it('users: created, found by email and id, the email is unique, the password hash changes, the version bumps', async () => {
    const [a, b] = make()
    const someone = user()
    await a.createUser(someone)
    expect(await b.findUserByEmail(someone.email)).toEqual(someone)
    expect(await b.findUserById(someone.id)).toEqual(someone)
    expect(await b.findUserById('nobody')).toBeUndefined()
    expect(await b.findUserByEmail('nobody@example.test')).toBeUndefined()
    await expect(b.createUser({ ...user(), email: someone.email })).rejects.toMatchObject({ code: 'TL621', message: expect.stringContaining(`user ${someone.email} already exists`) })
    await b.updatePasswordHash(someone.id, 'scrypt$2$2$2$a$b')
    expect((await a.findUserById(someone.id))?.passwordHash).toBe('scrypt$2$2$2$a$b')
    expect(await a.bumpTokenVersion(someone.id, NOW + 60_000)).toBe(1)
    expect(await b.bumpTokenVersion(someone.id, NOW + 60_000)).toBe(2)
    expect((await a.findUserById(someone.id))?.tokenVersion).toBe(2)
    await expect(a.bumpTokenVersion('nobody', NOW + 60_000)).rejects.toMatchObject({ code: 'TL622' })
  })

  it('families: revoking keeps the first reason; revoking a user\'s families counts only live ones', async () => {
    const [a, b] = make()
    const { owner, familyId } = await withFamily(a)
    const second = randomUUID()
    await a.createFamily({ id: second, userId: owner.id, tokenVersion: 0, createdAt: NOW, revokedAt: null, revokedReason: null })
    await a.saveRefreshToken(record(second, owner.id))
    await b.revokeFamily(familyId, NOW + 1, 'logout')
    await a.revokeFamily(familyId, NOW + 2, 'reuse')
    expect(await a.getFamily(familyId)).toMatchObject({ revokedAt: NOW + 1, revokedReason: 'logout', userId: owner.id, createdAt: NOW })
    expect(await b.revokeUserFamilies(owner.id, NOW + 3, 'logout everywhere')).toBe(1)
    expect(await b.revokeUserFamilies(owner.id, NOW + 4, 'again')).toBe(0)
    expect(await a.getFamily(second)).toMatchObject({ revokedAt: NOW + 3, revokedReason: 'logout everywhere' })
    expect(await a.getFamily('none')).toBeUndefined()
  })

  it('DPoP: a family created with a key keeps it; one without is bound once, atomically (concurrent binds: one key wins)', async () => {
    const [a, b] = make()
    const { owner, familyId } = await withFamily(a)
    expect((await a.getFamily(familyId))?.jkt ?? null).toBeNull()
    const keys = Array.from({ length: 10 }, (_, index) => `jkt-${index}`)
    const bound = await Promise.all(keys.map((jkt, index) => (index % 2 ? a : b).bindFamilyKey(familyId, jkt)))
    expect(new Set(bound).size).toBe(1)
    expect((await b.getFamily(familyId))?.jkt).toBe(bound[0])
    expect(await a.bindFamilyKey(familyId, 'later')).toBe(bound[0])
    expect(await a.bindFamilyKey('no-family', 'x')).toBeUndefined()
    const withKey = randomUUID()
    await a.createFamily({ id: withKey, userId: owner.id, tokenVersion: 0, createdAt: NOW, revokedAt: null, revokedReason: null, jkt: 'from-login' })
    expect((await b.getFamily(withKey))?.jkt).toBe('from-login')
  })

  it('DPoP replay: a proof id is recorded once across instances (concurrent: exactly one first use)', async () => {
    const [a, b] = make()
    const id = `jkt:${randomUUID()}`
    const firsts = await Promise.all(Array.from({ length: 10 }, (_, index) => (index % 2 ? a : b).useDpopProof(id, Date.now() + 60_000)))
    expect(firsts.filter(Boolean)).toHaveLength(1)
    expect(await a.useDpopProof(`jkt:${randomUUID()}`, Date.now() + 60_000)).toBe(true)
  })

  it('rotation: marks the token used, records and saves the successor; then used, unknown, revoked change nothing', async () => {
    const [a, b] = make()
    const { owner, familyId, first } = await withFamily(a)
    expect(await b.getRefreshToken(first.tokenHash)).toEqual(first)
    const successor = record(familyId, owner.id)
    expect(await a.rotateRefreshToken(first.tokenHash, NOW + 5, successor)).toBe('rotated')
    expect(await b.getRefreshToken(first.tokenHash)).toEqual({ ...first, usedAt: NOW + 5, successorHash: successor.tokenHash })
    expect(await b.getRefreshToken(successor.tokenHash)).toEqual(successor)
    const other = record(familyId, owner.id)
    expect(await b.rotateRefreshToken(first.tokenHash, NOW + 6, other)).toBe('used')
    expect(await a.getRefreshToken(other.tokenHash)).toBeUndefined()
    expect(await a.rotateRefreshToken('no-such-token', NOW, record(familyId, owner.id))).toBe('unknown')
    await a.revokeFamily(familyId, NOW + 7, 'logout')
    expect(await b.rotateRefreshToken(successor.tokenHash, NOW + 8, other)).toBe('revoked')
    expect((await a.getRefreshToken(successor.tokenHash))?.usedAt).toBeNull()
    expect(await a.getRefreshToken(other.tokenHash)).toBeUndefined()
  })

  it('rotation is atomic: 20 concurrent rotations of one token from two instances, exactly one wins', async () => {
    const [a, b] = make()
    const { owner, familyId, first } = await withFamily(a)
    const outcomes = await Promise.all(
      Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).rotateRefreshToken(first.tokenHash, NOW + i, record(familyId, owner.id))),
    )
    expect(outcomes.filter((outcome) => outcome === 'rotated')).toHaveLength(1)
    expect(outcomes.filter((outcome) => outcome === 'used')).toHaveLength(19)
  })

  it('the denylist: a denied id is denied until its token expires; a later expiry extends it', async () => {
    const [a, b] = make()
    await a.denyAccessToken('jti-1', NOW + 30_000)
    expect(await b.isAccessTokenDenied('jti-1', NOW)).toBe(true)
    expect(await b.isAccessTokenDenied('jti-1', NOW + 30_000)).toBe(false)
    expect(await b.isAccessTokenDenied('jti-2', NOW)).toBe(false)
    await b.denyAccessToken('jti-1', NOW + 60_000)
    await b.denyAccessToken('jti-1', NOW + 10_000)
    expect(await a.isAccessTokenDenied('jti-1', NOW + 59_999)).toBe(true)
  })

  it('the snapshot holds the denials and version bumps in force, not the expired ones; pruning drops those', async () => {
    const [a, b] = make()
    const someone = user()
    await a.createUser(someone)
    await a.denyAccessToken('live', NOW + 60_000)
    await a.denyAccessToken('dies', NOW + 1_000)
    await a.bumpTokenVersion(someone.id, NOW + 60_000)
    const snapshot = await b.revocations(NOW + 2_000)
    expect(snapshot.denied).toEqual([{ jti: 'live', expiresAt: NOW + 60_000 }])
    expect(snapshot.versions).toEqual([{ userId: someone.id, version: 1, until: NOW + 60_000 }])
    expect(await b.revocations(NOW + 60_000)).toEqual({ denied: [], versions: [] })
    await b.pruneExpired(NOW + 60_000)
    expect(await a.isAccessTokenDenied('live', NOW)).toBe(false)
  })

  it('the change feed: every instance hears the other\'s denials and version bumps; a heartbeat follows them', async () => {
    const [a, b] = make()
    const someone = user()
    await a.createUser(someone)
    const onB = listen(b)
    await expect.poll(() => onB.connections()).toBe(1)
    await a.denyAccessToken('jti-feed', NOW + 60_000)
    await a.bumpTokenVersion(someone.id, NOW + 90_000)
    // Everything published before the heartbeat was sent has been delivered when it returns.
    await b.heartbeat()
    expect(onB.heard).toEqual([
      { type: 'denied', jti: 'jti-feed', expiresAt: NOW + 60_000 },
      { type: 'version', userId: someone.id, version: 1, until: NOW + 90_000 },
    ])
    onB.stop()
    await a.denyAccessToken('after', NOW + 60_000)
    await b.heartbeat()
    expect(onB.heard).toHaveLength(2)
  })

  it('refresh tokens expire with their expiry', async () => {
    const [a, b] = make()
    const { first } = await withFamily(a, { expiresAt: Date.now() + 300 })
    await new Promise((resolve) => setTimeout(resolve, 400))
    await a.pruneExpired(Date.now())
    expect(await b.getRefreshToken(first.tokenHash)).toBeUndefined()
  })
})

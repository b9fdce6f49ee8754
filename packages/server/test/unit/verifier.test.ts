import { decodeJwt } from 'jose'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { AuthStore, FeedListener } from '../../src/index'
import { createKeyRing, createSecretKeyRing, createUser, generateSigningKey, Issuer, MemoryStore, Verifier } from '../../src/index'

const scrypt = { N: 1024, r: 8, p: 1 }
const verifiers: Verifier[] = []
afterEach(() => {
  for (const verifier of verifiers.splice(0)) verifier.close()
})

/** A memory store whose feed the test controls: it can be cut (no delivery, failing heartbeats) and restored. */
class CuttableStore extends MemoryStore {
  #cut = false
  #listeners = new Set<FeedListener>()
  readonly held: Parameters<FeedListener['change']>[0][] = []
  storeDown = false

  override subscribe(listener: FeedListener): () => void {
    this.#listeners.add(listener)
    const stop = super.subscribe({
      change: (change) => (this.#cut ? this.held.push(change) : listener.change(change)),
      connected: () => listener.connected(),
      disconnected: () => listener.disconnected(),
    })
    return () => {
      this.#listeners.delete(listener)
      stop()
    }
  }
  override async heartbeat(): Promise<void> {
    if (this.#cut) throw new Error('feed down')
  }
  override async isAccessTokenDenied(jti: string, now: number): Promise<boolean> {
    if (this.storeDown) throw new Error('store down')
    return super.isAccessTokenDenied(jti, now)
  }
  cut(): void {
    this.#cut = true
    for (const listener of this.#listeners) listener.disconnected()
  }
  restore(): void {
    this.#cut = false
    for (const listener of this.#listeners) listener.connected()
  }
}

async function setup(store: AuthStore = new MemoryStore(), options: Partial<ConstructorParameters<typeof Verifier>[0]> = {}) {
  const keys = await createKeyRing([await generateSigningKey('EdDSA')])
  const issuer = new Issuer({ store, keys, issuer: 'https://auth.test', audience: 'api', scrypt })
  const verifier = new Verifier({ store, keys, issuer: 'https://auth.test', audience: 'api', maxStalenessMs: 200, heartbeatMs: 20, ...options })
  verifiers.push(verifier)
  await verifier.ready()
  const user = await createUser(store, { email: 'v@example.test', password: 'password-1', name: 'V' }, scrypt)
  return { store, keys, issuer, verifier, user }
}

describe('Verifier', () => {
  it('accepts a valid token; refuses it once denied, and every older token once the version moves, from its cache', async () => {
    const { issuer, verifier, user } = await setup()
    const a = await issuer.startSession(user)
    const b = await issuer.startSession(user)
    expect(await verifier.verify(a.accessToken)).toMatchObject({ ok: true, claims: { sub: user.id, ver: 0 } })
    await issuer.denyAccessToken(decodeJwt(a.accessToken) as { jti: string; exp: number })
    expect(await verifier.verify(a.accessToken)).toMatchObject({ ok: false, reason: 'revoked', status: 401 })
    expect(await verifier.verify(b.accessToken)).toMatchObject({ ok: true })
    await issuer.bumpTokenVersion(user.id)
    expect(await verifier.verify(b.accessToken)).toMatchObject({ ok: false, reason: 'revoked' })
    expect(verifier.cacheSize).toEqual({ denied: 1, versions: 1 })
    const fresh = await issuer.startSession({ ...user, tokenVersion: 1 })
    expect(await verifier.verify(fresh.accessToken)).toMatchObject({ ok: true, claims: { ver: 1 } })
  })

  it('verifies with the public JWKS only, as an API server would', async () => {
    const { issuer, keys, store, user } = await setup()
    const api = new Verifier({ store, keys: keys.jwks(), issuer: 'https://auth.test', audience: 'api' })
    verifiers.push(api)
    await api.ready()
    expect(JSON.stringify(keys.jwks())).not.toMatch(/"d":/)
    expect(await api.verify((await issuer.startSession(user)).accessToken)).toMatchObject({ ok: true })
    expect(await api.verify('a.b.c')).toMatchObject({ ok: false, reason: 'invalid' })
  })

  it('past the staleness bound it fails closed: asks the store per token (check-store), or answers 503 (reject)', async () => {
    const store = new CuttableStore()
    const { issuer, verifier, user } = await setup(store)
    const rejecting = new Verifier({ store, keys: issuer.keys, issuer: 'https://auth.test', audience: 'api', maxStalenessMs: 200, heartbeatMs: 20, whenStale: 'reject' })
    verifiers.push(rejecting)
    await rejecting.ready()
    const session = await issuer.startSession(user)
    store.cut()
    // A denial the cut feed does not deliver: past the bound, neither verifier may accept the token.
    await issuer.denyAccessToken(decodeJwt(session.accessToken) as { jti: string; exp: number })
    await expect.poll(() => verifier.stalenessMs > 200).toBe(true)
    expect(await verifier.verify(session.accessToken)).toMatchObject({ ok: false, reason: 'revoked' })
    expect(await rejecting.verify(session.accessToken)).toMatchObject({ ok: false, reason: 'unavailable', status: 503 })
    const other = await issuer.startSession(user)
    expect(await verifier.verify(other.accessToken)).toMatchObject({ ok: true })
    store.storeDown = true
    expect(await verifier.verify(other.accessToken)).toMatchObject({ ok: false, reason: 'unavailable', status: 503 })
    store.storeDown = false
    // Reconnected: it re-reads everything, and the denial it missed is in its cache again.
    store.restore()
    await expect.poll(() => verifier.stalenessMs <= 200).toBe(true)
    expect(await rejecting.verify(session.accessToken)).toMatchObject({ ok: false, reason: 'revoked' })
    await expect.poll(() => rejecting.stalenessMs <= 200).toBe(true)
    expect(await rejecting.verify(other.accessToken)).toMatchObject({ ok: true })
  })

  it('close() stops everything it started: a snapshot that keeps failing is not re-read after it', async () => {
    vi.useFakeTimers()
    try {
      const store = new MemoryStore()
      let reads = 0
      store.revocations = async () => {
        reads += 1
        throw new Error('store down')
      }
      const keys = createSecretKeyRing('test-secret-test-secret-test-secret-0123456789')
      const verifier = new Verifier({ store, keys, issuer: 'i', audience: 'a' })
      // Connected (a microtask), then a failed read retried every 200 ms.
      await vi.advanceTimersByTimeAsync(1_000)
      expect(reads).toBeGreaterThanOrEqual(4)
      verifier.close()
      const atClose = reads
      await vi.advanceTimersByTimeAsync(5_000)
      expect(reads).toBe(atClose)
    } finally {
      vi.useRealTimers()
    }
  })
})

// DPoP (RFC 9449) on the server: proofs checked (signature, typ, htm, htu, iat, jti once, ath, nonce), stateless
// nonces, sessions bound to the login's key, the verifier's checks for bound tokens, logout by the key's holder only.
import { describe, expect, it } from 'vitest'
import { checkDpopProof, createAuthHandler, createSecretKeyRing, createUser, DpopNonces, Issuer, MemoryStore, Verifier } from '../../src/index'
import type { HandlerDpopOptions } from '../../src/index'
import { claimsOf, dpopKey } from './dpopClient'

const scrypt = { N: 1024, r: 8, p: 1 }
const URL_ = 'https://api.test/orders'

/** A `firstUse` of a fresh replay cache. */
const replayCache = () => {
  const seen = new Set<string>()
  return async (id: string) => (seen.has(id) ? false : (seen.add(id), true))
}
const requestWith = (proof: string, init: RequestInit = {}, url = `${URL_}?page=2`) => new Request(url, { ...init, headers: { DPoP: proof, ...init.headers } })

describe('checkDpopProof', () => {
  it('accepts a proof for this request and names its key; the same proof twice is a replay', async () => {
    const key = await dpopKey()
    const firstUse = replayCache()
    const proof = await key.proof('GET', URL_)
    expect(await checkDpopProof(requestWith(proof), { firstUse })).toMatchObject({ ok: true, jkt: key.jkt })
    expect(await checkDpopProof(requestWith(proof), { firstUse })).toMatchObject({ ok: false, error: 'invalid_dpop_proof', description: expect.stringMatching(/jti/) })
  })

  it.each([
    ['another method', async (key: Awaited<ReturnType<typeof dpopKey>>) => key.proof('POST', URL_), /htm/],
    ['another URL', async (key: Awaited<ReturnType<typeof dpopKey>>) => key.proof('GET', 'https://api.test/other'), /htu/],
    ['an old iat', async (key: Awaited<ReturnType<typeof dpopKey>>) => key.proof('GET', URL_, { iat: Math.floor(Date.now() / 1000) - 600 }), /iat/],
    ['another typ', async (key: Awaited<ReturnType<typeof dpopKey>>) => key.proof('GET', URL_, { header: { typ: 'JWT' } }), /dpop\+jwt/],
    ['a private key in the header', async (key: Awaited<ReturnType<typeof dpopKey>>) => key.proof('GET', URL_, { header: { jwk: key.privateJwk } }), /./],
    ['another access token', async (key: Awaited<ReturnType<typeof dpopKey>>) => key.proof('GET', URL_, { accessToken: 'other' }), /ath/],
  ])('refuses %s', async (_name, make, why) => {
    const key = await dpopKey()
    const result = await checkDpopProof(requestWith(await make(key)), { firstUse: replayCache(), accessToken: 'the-token' })
    expect(result).toMatchObject({ ok: false, error: 'invalid_dpop_proof', description: expect.stringMatching(why) })
  })

  it('with nonces: use_dpop_nonce without one or with a stale one; the current and the previous step are accepted', async () => {
    let now = Date.UTC(2026, 0, 1)
    const nonces = new DpopNonces({ secret: 'a-secret-of-at-least-thirty-two-bytes!!', now: () => now })
    const key = await dpopKey()
    const check = async (nonce?: string) =>
      checkDpopProof(requestWith(await key.proof('GET', URL_, { nonce, iat: Math.floor(now / 1000) })), { firstUse: replayCache(), nonces, now: () => now })
    expect(await check()).toMatchObject({ ok: false, error: 'use_dpop_nonce' })
    const issued = nonces.current()
    expect(await check(issued)).toMatchObject({ ok: true })
    now += 60_000
    expect(nonces.current()).not.toBe(issued)
    expect(await check(issued)).toMatchObject({ ok: true }) // the previous step
    now += 60_000
    expect(await check(issued)).toMatchObject({ ok: false, error: 'use_dpop_nonce' })
    expect(new DpopNonces({ secret: 'another-secret-of-at-least-thirty-two-b', now: () => now }).accepts(nonces.current())).toBe(false)
  })
})

async function stack(dpop: HandlerDpopOptions = {}) {
  const store = new MemoryStore()
  const keys = createSecretKeyRing('test-secret-test-secret-test-secret-0123456789')
  const issuer = new Issuer({ store, keys, issuer: 'i', audience: 'a', scrypt })
  const verifier = new Verifier({ store, keys, issuer: 'i', audience: 'a', dpop: { nonces: dpop.nonces } })
  await createUser(store, { email: 'd@example.test', password: 'password-1', name: 'D' }, scrypt)
  const handle = createAuthHandler({ issuer, verifier, dpop })
  const origin = 'http://localhost'
  const post = async (path: string, body: string, type: string, headers: Record<string, string> = {}) =>
    (await handle(new Request(`${origin}${path}`, { method: 'POST', headers: { 'Content-Type': type, ...headers }, body })))!
  const login = async (key?: Awaited<ReturnType<typeof dpopKey>>, nonce?: string) =>
    post('/auth/login', JSON.stringify({ email: 'd@example.test', password: 'password-1' }), 'application/json', {
      'X-Refresh-Token-Mode': 'storage',
      ...(key ? { DPoP: await key.proof('POST', `${origin}/auth/login`, { nonce }) } : {}),
    })
  const refresh = async (refreshToken: string, key?: Awaited<ReturnType<typeof dpopKey>>, proof?: string) =>
    post('/auth/refresh', `grant_type=refresh_token&refresh_token=${refreshToken}`, 'application/x-www-form-urlencoded', {
      ...(proof ? { DPoP: proof } : key ? { DPoP: await key.proof('POST', `${origin}/auth/refresh`) } : {}),
    })
  return { store, issuer, verifier, handle, post, login, refresh, origin, close: () => verifier.close() }
}

describe('the token endpoints', () => {
  it('a login with a proof gets tokens bound to its key (token_type DPoP, cnf.jkt); only that key refreshes them', async () => {
    const { login, refresh, close } = await stack()
    const key = await dpopKey()
    const signedIn = await login(key)
    const body = (await signedIn.json()) as Record<string, string>
    expect(body.token_type).toBe('DPoP')
    expect(claimsOf(body.access_token!).cnf).toEqual({ jkt: key.jkt })

    // A copy of the refresh token is useless without the key: refused, neither used nor its session revoked.
    const thief = await dpopKey()
    const stolen = await refresh(body.refresh_token!, thief)
    expect(stolen.status).toBe(400)
    expect(await stolen.json()).toMatchObject({ error: 'invalid_grant', error_description: expect.stringMatching(/another DPoP key/) })
    expect((await refresh(body.refresh_token!)).status).toBe(400) // no proof at all
    const refreshed = await refresh(body.refresh_token!, key)
    expect(refreshed.status).toBe(200)
    expect(claimsOf(((await refreshed.json()) as Record<string, string>).access_token!).cnf).toEqual({ jkt: key.jkt })
    close()
  })

  it('a replayed refresh proof is refused (invalid_dpop_proof)', async () => {
    const { login, refresh, origin, close } = await stack()
    const key = await dpopKey()
    const body = (await (await login(key)).json()) as Record<string, string>
    const proof = await key.proof('POST', `${origin}/auth/refresh`)
    const first = await refresh(body.refresh_token!, undefined, proof)
    expect(first.status).toBe(200)
    const next = (await first.json()) as Record<string, string>
    const replay = await refresh(next.refresh_token!, undefined, proof)
    expect(replay.status).toBe(400)
    expect(await replay.json()).toMatchObject({ error: 'invalid_dpop_proof' })
    close()
  })

  it('required: a login without a proof is refused (invalid_dpop_proof)', async () => {
    const { login, close } = await stack({ required: true })
    const refused = await login()
    expect(refused.status).toBe(400)
    expect(await refused.json()).toMatchObject({ error: 'invalid_dpop_proof' })
    close()
  })

  it('nonces: use_dpop_nonce with DPoP-Nonce, the login again with it succeeds, every token response names the next', async () => {
    const nonces = new DpopNonces()
    const { login, close } = await stack({ nonces })
    const key = await dpopKey()
    const first = await login(key)
    expect(first.status).toBe(400)
    expect(await first.json()).toMatchObject({ error: 'use_dpop_nonce' })
    const nonce = first.headers.get('DPoP-Nonce')!
    expect(nonces.accepts(nonce)).toBe(true)
    const second = await login(key, nonce)
    expect(second.status).toBe(200)
    expect(second.headers.get('DPoP-Nonce')).toBe(nonces.current())
    close()
  })

  it('a bearer login (no proof) is a bearer session, as before', async () => {
    const { login, refresh, close } = await stack()
    const body = (await (await login()).json()) as Record<string, string>
    expect(body.token_type).toBe('Bearer')
    expect(claimsOf(body.access_token!).cnf).toBeUndefined()
    expect((await refresh(body.refresh_token!)).status).toBe(200)
    close()
  })

  it('logout revokes a bound refresh token only with a proof by its key', async () => {
    const { login, refresh, post, origin, close } = await stack()
    const key = await dpopKey()
    const body = (await (await login(key)).json()) as Record<string, string>
    const revoke = async (proof?: string) =>
      post('/auth/logout', `token=${body.refresh_token}`, 'application/x-www-form-urlencoded', proof ? { DPoP: proof } : {})
    expect((await revoke()).status).toBe(200)
    expect((await revoke(await (await dpopKey()).proof('POST', `${origin}/auth/logout`))).status).toBe(200)
    // Still alive: neither request proved the key.
    const alive = await refresh(body.refresh_token!, key)
    expect(alive.status).toBe(200)
    const next = (await alive.json()) as Record<string, string>
    body.refresh_token = next.refresh_token!
    expect((await revoke(await key.proof('POST', `${origin}/auth/logout`))).status).toBe(200)
    expect((await refresh(body.refresh_token, key)).status).toBe(400)
    close()
  })
})

describe('the verifier', () => {
  it('verifyRequest: a bound token with its key’s proof passes; as a bearer token, with another key or a replayed proof it is refused', async () => {
    const { login, verifier, close } = await stack()
    const key = await dpopKey()
    const { access_token: token } = (await (await login(key)).json()) as Record<string, string>
    const call = (scheme: string, proof?: string) =>
      verifier.verifyRequest(new Request(URL_, { headers: { Authorization: `${scheme} ${token}`, ...(proof ? { DPoP: proof } : {}) } }))
    const proof = await key.proof('GET', URL_, { accessToken: token })
    expect(await call('DPoP', proof)).toMatchObject({ ok: true, jkt: key.jkt, claims: { cnf: { jkt: key.jkt } } })
    expect(await call('DPoP', proof)).toMatchObject({ ok: false, status: 401, headers: { 'WWW-Authenticate': expect.stringMatching(/^DPoP error="invalid_dpop_proof"/) } })
    expect(await call('Bearer')).toMatchObject({ ok: false, status: 401, description: expect.stringMatching(/as a bearer token/) })
    expect(await call('DPoP')).toMatchObject({ ok: false, status: 401 })
    const other = await dpopKey()
    expect(await call('DPoP', await other.proof('GET', URL_, { accessToken: token }))).toMatchObject({ ok: false, description: expect.stringMatching(/not by the key/) })
    expect(await call('DPoP', await key.proof('GET', URL_, { accessToken: 'another' }))).toMatchObject({ ok: false, description: expect.stringMatching(/ath/) })
    // verify(token) alone cannot check a proof: a bound token is refused there.
    expect(await verifier.verify(token)).toMatchObject({ ok: false, status: 401 })
    close()
  })

  it('verifyRequest with nonces: use_dpop_nonce with DPoP-Nonce; required: a bearer token is refused', async () => {
    const nonces = new DpopNonces()
    const store = new MemoryStore()
    const keys = createSecretKeyRing('test-secret-test-secret-test-secret-0123456789')
    const issuer = new Issuer({ store, keys, issuer: 'i', audience: 'a', scrypt })
    const verifier = new Verifier({ store, keys, issuer: 'i', audience: 'a', dpop: { nonces, required: true } })
    const user = await createUser(store, { email: 'n@example.test', password: 'password-1', name: 'N' }, scrypt)
    const key = await dpopKey()
    const bound = await issuer.startSession(user, { jkt: key.jkt })
    const bearer = await issuer.startSession(user)
    const call = async (headers: Record<string, string>) => verifier.verifyRequest(new Request(URL_, { headers }))
    const first = await call({ Authorization: `DPoP ${bound.accessToken}`, DPoP: await key.proof('GET', URL_, { accessToken: bound.accessToken }) })
    expect(first).toMatchObject({ ok: false, headers: { 'WWW-Authenticate': expect.stringMatching(/use_dpop_nonce/), 'DPoP-Nonce': nonces.current() } })
    const proof = await key.proof('GET', URL_, { accessToken: bound.accessToken, nonce: nonces.current() })
    expect(await call({ Authorization: `DPoP ${bound.accessToken}`, DPoP: proof })).toMatchObject({ ok: true })
    expect(await call({ Authorization: `Bearer ${bearer.accessToken}` })).toMatchObject({ ok: false, description: expect.stringMatching(/required/) })
    verifier.close()
  })
})

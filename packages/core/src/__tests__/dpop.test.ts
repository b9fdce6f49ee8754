// DPoP (option `dpop: true`): the session's key (Web Crypto, IndexedDB), proofs on login, refresh and revocation,
// the binding check of every answer, the key's life (a new one per session, deleted when the session ends).
import { mintJwt } from '@tokenlife/test-utils'
import { describe, expect, it, vi } from 'vitest'
import { createAuthClient, idleTimeout, isConfigurationError, isInvalidResponseError, isServerError } from '../index'
import { dpopBrowser, signedIn, until } from './dpopSetup'
import { jwkThumbprint } from './dpopServer'

const tokenOf = (state: { accessToken?: string }) => JSON.parse(Buffer.from(state.accessToken!.split('.')[1]!, 'base64url').toString())

describe('the option', () => {
  it('refuses a dpop that is not a boolean, in both builds (TL160)', () => {
    expect(() => createAuthClient({ refreshUrl: '/r', dpop: 'true' as never })).toThrow(expect.objectContaining({ name: 'TypeError', code: 'TL160' }))
  })

  it('auth.dpop is there only with dpop: true', () => {
    expect(createAuthClient({ refreshUrl: '/r' }).dpop).toBeUndefined()
    expect(createAuthClient({ refreshUrl: '/r', dpop: true }).dpop).toBeDefined()
  })
})

describe('login and the session’s key', () => {
  it('login() makes a key, signs the login with it, and adopts only a token bound to it (cnf.jkt)', async () => {
    const { server, tab, keyStore } = await signedIn()
    const [login] = server.requestsTo('/login')
    expect(login!.proof!.payload).toMatchObject({ htm: 'POST', htu: `${server.origin}/login` })
    expect(login!.proof!.header).toMatchObject({ alg: 'ES256', typ: 'dpop+jwt', jwk: { kty: 'EC', crv: 'P-256' } })
    const { records, session } = await keyStore()
    expect(records).toHaveLength(1)
    expect(session).toBe(login!.proof!.jkt)
    expect(tokenOf(tab.auth.getState()).cnf.jkt).toBe(login!.proof!.jkt)
  })

  it('the key cannot be exported (extractable: false); its public half is the one the proofs name', async () => {
    const { tab, wait, server } = await signedIn()
    const key = (await wait(tab.auth.dpop!.key()))!
    expect(key.keyPair.privateKey.extractable).toBe(false)
    await expect(crypto.subtle.exportKey('jwk', key.keyPair.privateKey)).rejects.toThrow()
    await expect(crypto.subtle.exportKey('pkcs8', key.keyPair.privateKey)).rejects.toThrow()
    const publicJwk = (await crypto.subtle.exportKey('jwk', key.keyPair.publicKey)) as { crv: string; kty: string; x: string; y: string }
    expect(await jwkThumbprint(publicJwk)).toBe(key.jkt)
    expect(server.requestsTo('/login')[0]!.proof!.jkt).toBe(key.jkt)
  })

  it('a second login is a new session with a new key; the old key is deleted', async () => {
    const { server, tab, wait, keyStore } = await signedIn()
    const first = (await keyStore()).session
    await wait(tab.auth.login({ user: 'ada', password: 'x' }))
    const { records, session } = await keyStore()
    expect(session).not.toBe(first)
    expect(records.map((record) => record.jkt)).toEqual([session])
    expect(server.requestsTo('/login').map((request) => request.proof!.jkt)).toEqual([first, session])
  })

  it('a login answered with a bearer token is refused (TL250), nothing is adopted, and the tokens are revoked', async () => {
    const browser = dpopBrowser()
    const tab = browser.openTab()
    browser.server.state.answer = 'bearer'
    const error = await browser.wait(tab.auth.login({ user: 'ada', password: 'x' })).catch((failure: unknown) => failure)
    expect(isInvalidResponseError(error)).toBe(true)
    expect((error as { code: string }).code).toBe('TL250')
    expect(tab.auth.getState().status).not.toBe('authenticated')
    await browser.wait(until(() => browser.server.requestsTo('/revoke').length > 0))
    const revocation = browser.server.requestsTo('/revoke')
    expect(revocation).toHaveLength(1)
    expect(revocation[0]!.proof).toBeDefined()
  })
})

describe('refresh', () => {
  it('every refresh carries a new proof by the session’s key: htm, htu, iat on the server clock, a new jti, no ath', async () => {
    const { server, tab, wait, env } = await signedIn()
    const jkt = server.requestsTo('/login')[0]!.proof!.jkt
    for (let i = 0; i < 3; i++) await wait(tab.auth.refresh())
    const refreshes = server.requestsTo('/token')
    expect(refreshes.map((request) => request.status)).toEqual([200, 200, 200])
    for (const { proof } of refreshes) {
      expect(proof!.jkt).toBe(jkt)
      expect(proof!.payload).toMatchObject({ htm: 'POST', htu: `${server.origin}/token` })
      expect(proof!.payload.ath).toBeUndefined()
      expect(Math.abs(proof!.payload.iat - env.now() / 1000)).toBeLessThan(5)
    }
    expect(new Set(refreshes.map((request) => request.proof!.payload.jti)).size).toBe(3)
    expect(tokenOf(tab.auth.getState()).cnf.jkt).toBe(jkt)
  })

  it('iat is on the server’s clock (learnt from its Date header), not a device clock 30 s off', async () => {
    const { server, tab, wait, env } = await signedIn({ serverSkewMs: 30_000 })
    await wait(tab.auth.refresh())
    const { iat } = server.requestsTo('/token')[0]!.proof!.payload
    expect(Math.abs(iat - (env.now() + 30_000) / 1000)).toBeLessThan(2)
    expect(Math.abs(iat - env.now() / 1000)).toBeGreaterThan(25)
  })

  it('an answer whose token is not bound (token_type Bearer) is not adopted; its rotated refresh token is kept and the retry presents it', async () => {
    const { server, tab, wait, storage, namespace } = await signedIn()
    const before = tab.auth.getState().accessToken
    server.state.answer = 'bearer'
    const failure = await wait(tab.auth.refresh()).catch((error: unknown) => error)
    expect((failure as { code?: string }).code).toBe('TL250')
    expect(tab.auth.getState()).toMatchObject({ status: 'authenticated', accessToken: before })
    const rotated = `rt-${server.seen.length}` // the answer's refresh token
    expect(await storage.get(`tokenlife:${namespace}:refresh_token`)).toBe(rotated)
    server.state.answer = 'dpop'
    await wait(tab.auth.refresh())
    expect(tab.auth.getState().accessToken).not.toBe(before)
    expect(server.seen.filter((request) => request.error === 'invalid_grant')).toEqual([])
  })

  it('an answer bound to another key is not adopted (TL251); the rotated refresh token is kept', async () => {
    const { server, tab, wait, storage, namespace } = await signedIn()
    server.state.answer = 'other-key'
    const failure = await wait(tab.auth.refresh()).catch((error: unknown) => error)
    expect((failure as { code?: string }).code).toBe('TL251')
    expect(isInvalidResponseError(failure)).toBe(true)
    expect(await storage.get(`tokenlife:${namespace}:refresh_token`)).toBe(`rt-${server.seen.length}`)
    expect(tab.events.some((event) => event.type === 'refresh-failed')).toBe(true)
  })

  it('an opaque token is adopted with token_type DPoP, and refused without it', async () => {
    const { server, tab, wait } = await signedIn()
    server.state.answer = 'opaque'
    await wait(tab.auth.refresh())
    expect(tab.auth.getState().accessToken).toMatch(/^opaque-/)
    server.state.answer = 'opaque-bearer'
    const failure = await wait(tab.auth.refresh()).catch((error: unknown) => error)
    expect((failure as { code?: string }).code).toBe('TL250')
  })

  it('use_dpop_nonce: the refresh goes again at once with the nonce, then every proof carries it (one request a refresh)', async () => {
    const { server, tab, wait } = await signedIn({ requireNonce: false })
    server.state.requireNonce = true
    server.state.nonce = 'fresh-nonce'
    await wait(tab.auth.refresh())
    expect(server.requestsTo('/token').map((request) => request.error ?? request.status)).toEqual(['use_dpop_nonce', 200])
    for (let i = 0; i < 3; i++) await wait(tab.auth.refresh())
    expect(server.requestsTo('/token')).toHaveLength(5)
    expect(server.requestsTo('/token').slice(1).map((request) => request.proof!.payload.nonce)).toEqual(Array(4).fill('fresh-nonce'))
  })

  it('use_dpop_nonce: the retry records its departure again before its proof is signed, and a device that sleeps while that proof is signed sends nothing (TL309)', async () => {
    // Hour-long tokens: no refresh on schedule while the login settles, however slow the machine (fake time runs meanwhile).
    const { server, tab, wait, env, namespace } = await signedIn({ requireNonce: false, lifetime: 3_600 })
    server.state.requireNonce = true
    server.state.nonce = 'fresh-nonce'
    const sending = () => (JSON.parse(env.marks.get(`tokenlife:${namespace}:sending`) ?? 'null') as { at: number } | null)?.at
    /** The sending mark when each refresh proof was signed, and whether that proof carried the nonce (the retry). */
    const marked: { at: number | undefined; retry: boolean }[] = []
    const sign = crypto.subtle.sign.bind(crypto.subtle)
    const signing = vi.spyOn(crypto.subtle, 'sign').mockImplementation(async (...args: Parameters<SubtleCrypto['sign']>) => {
      const [header, payload] = new TextDecoder().decode(args[2] as ArrayBuffer | Uint8Array).split('.')
      const { typ } = JSON.parse(Buffer.from(header!, 'base64url').toString()) as { typ?: string }
      const { htu, nonce } = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString() || '{}') as { htu?: string; nonce?: string }
      if (typ === 'dpop+jwt' && htu === `${server.origin}/token`) {
        marked.push({ at: sending(), retry: nonce === 'fresh-nonce' })
        // The retry's proof: the device sleeps while it is signed.
        if (nonce === 'fresh-nonce') env.sleep(15_000)
      }
      return sign(...args)
    })
    try {
      const failure = await wait(tab.auth.refresh()).catch((error: unknown) => error)
      expect(failure).toMatchObject({ code: 'TL309', transient: true })
    } finally {
      signing.mockRestore()
    }
    expect(marked.map(({ retry }) => retry)).toEqual([false, true])
    expect(marked[1]!.at).toBeGreaterThan(marked[0]!.at!)
    expect(server.requestsTo('/token').map((request) => request.error ?? request.status)).toEqual(['use_dpop_nonce'])
    expect(tab.auth.getState().status).toBe('authenticated')
    // The records go a turn of the clock after the failure.
    await wait(until(() => sending() === undefined))
    await wait(tab.auth.refresh())
    expect(server.requestsTo('/token').map((request) => request.error ?? request.status)).toEqual(['use_dpop_nonce', 200])
  })

  it('a server that keeps asking for a nonce gets one retry, then a transient error: the session is kept', async () => {
    const { server, tab, wait } = await signedIn()
    server.state.alwaysAskNonce = true
    const failure = await wait(tab.auth.refresh()).catch((error: unknown) => error)
    expect(isServerError(failure)).toBe(true)
    expect(server.requestsTo('/token')).toHaveLength(2)
    expect(tab.auth.getState().status).toBe('authenticated')
  })

  it('a device that sleeps while the proof is signed sends nothing (TL309, transient): no proof with a stale iat, the session kept, the next refresh goes', async () => {
    // Hour-long tokens: no refresh on schedule while the login settles, however slow the machine (fake time runs meanwhile).
    const { server, tab, wait, env } = await signedIn({ lifetime: 3_600 })
    const sign = crypto.subtle.sign.bind(crypto.subtle)
    const signing = vi.spyOn(crypto.subtle, 'sign').mockImplementationOnce(async (...args: Parameters<SubtleCrypto['sign']>) => {
      env.sleep(15_000)
      return sign(...args)
    })
    try {
      const failure = await wait(tab.auth.refresh()).catch((error: unknown) => error)
      expect(failure).toMatchObject({ code: 'TL309', transient: true })
      expect(server.requestsTo('/token')).toHaveLength(0)
      expect(tab.auth.getState().status).toBe('authenticated')
    } finally {
      signing.mockRestore()
    }
    await wait(tab.auth.refresh())
    const [sent] = server.requestsTo('/token')
    expect(sent!.status).toBe(200)
    expect(Math.abs(sent!.proof!.payload.iat - env.now() / 1000)).toBeLessThan(5)
  })

  it('invalid_dpop_proof is a configuration error (TL252): the session is kept, nothing is retried', async () => {
    const { server, tab, wait, env } = await signedIn()
    server.state.refuseProofs = true
    const failure = await wait(tab.auth.refresh()).catch((error: unknown) => error)
    expect(isConfigurationError(failure)).toBe(true)
    expect((failure as { code: string }).code).toBe('TL252')
    expect(tab.auth.getState().status).toBe('authenticated')
    const count = server.requestsTo('/token').length
    await wait(new Promise((resolve) => setTimeout(resolve, 5)))
    env.advance(10 * 60_000)
    expect(server.requestsTo('/token')).toHaveLength(count)
  })

  it('a session from before DPoP (a stored refresh token, no key) gets a key before its first refresh; the server binds it', async () => {
    const browser = dpopBrowser()
    const legacy = browser.server.startSession()
    await browser.storage.set(`tokenlife:${browser.namespace}:refresh_token`, legacy.refresh_token)
    const tab = browser.openTab()
    await browser.wait(tab.auth.start())
    expect(tab.auth.getState().status).toBe('authenticated')
    const { records, session } = await browser.keyStore()
    expect(records.map((record) => record.jkt)).toEqual([session])
    expect(browser.server.requestsTo('/token')[0]!.proof!.jkt).toBe(session)
  })
})

describe('the end of a session', () => {
  it('logout: the revocation is signed with the session’s key, then every key is deleted', async () => {
    const { server, tab, wait, keyStore } = await signedIn()
    const jkt = (await keyStore()).session
    await wait(tab.auth.logout())
    const [revocation] = server.requestsTo('/revoke')
    expect(revocation!.proof).toMatchObject({ jkt, payload: { htm: 'POST', htu: `${server.origin}/revoke` } })
    expect(await keyStore()).toEqual({ records: [], session: undefined })
  })

  it('an idle timeout: the revocation is signed with the session’s key, then every key is deleted', async () => {
    const { server, tab, wait, keyStore } = await signedIn({ idle: idleTimeout({ timeoutMs: 2_000, warnMs: 0 }) })
    const jkt = (await keyStore()).session
    expect(jkt).toBeDefined()
    await wait(until(() => server.requestsTo('/revoke').length > 0))
    expect(tab.auth.getState()).toMatchObject({ status: 'unauthenticated', reason: 'idle' })
    const revocations = server.requestsTo('/revoke')
    expect(revocations).toHaveLength(1)
    expect(revocations[0]!.proof).toMatchObject({ jkt, payload: { htm: 'POST', htu: `${server.origin}/revoke` } })
    // The keys go once storage is cleared (after the revocation's key was read).
    for (let tries = 0; tries < 200 && (await keyStore()).records.length > 0; tries++) await wait(new Promise((resolve) => setTimeout(resolve, 5)))
    expect(await keyStore()).toEqual({ records: [], session: undefined })
  })

  it('a refused refresh (revoked) deletes the session’s key', async () => {
    const { server, tab, wait, keyStore, storage, namespace } = await signedIn()
    const refreshToken = (await storage.get(`tokenlife:${namespace}:refresh_token`))!
    // An administrator revokes the session.
    await fetch(`${server.origin}/revoke`, { method: 'POST', body: new URLSearchParams({ token: refreshToken }) })
    await wait(tab.auth.refresh().catch(() => undefined))
    expect(tab.auth.getState()).toMatchObject({ status: 'unauthenticated', reason: 'revoked' })
    expect(await keyStore()).toEqual({ records: [], session: undefined })
  })

  it('setTokens() binds the session to a key of createKey(); refuses an unknown key, a token bound elsewhere, or none', async () => {
    const browser = dpopBrowser()
    const tab = browser.openTab()
    const key = await browser.wait(tab.auth.dpop!.createKey())
    const issued = browser.server.startSession(key.jkt)
    expect(() => tab.auth.setTokens({ accessToken: issued.access_token })).toThrow(expect.objectContaining({ code: 'TL161' }))
    expect(() => tab.auth.setTokens({ accessToken: issued.access_token, dpopJkt: 'not-a-key' })).toThrow(expect.objectContaining({ code: 'TL162' }))
    const unbound = mintJwt({ sub: 'ada', iat: 1, exp: 9_999_999_999 })
    expect(() => tab.auth.setTokens({ accessToken: unbound, dpopJkt: key.jkt })).toThrow(expect.objectContaining({ code: 'TL163' }))
    expect(tab.auth.getState().status).not.toBe('authenticated')
    tab.auth.setTokens({ accessToken: issued.access_token, refreshToken: issued.refresh_token, dpopJkt: key.jkt })
    await browser.wait(tab.auth.refresh())
    expect((await browser.keyStore()).session).toBe(key.jkt)
    expect(browser.server.requestsTo('/token')[0]).toMatchObject({ status: 200, proof: { jkt: key.jkt } })
    expect(() => createAuthClient({ refreshUrl: '/r' }).setTokens({ accessToken: issued.access_token, dpopJkt: key.jkt })).toThrow(
      expect.objectContaining({ code: 'TL164' }),
    )
  })
})

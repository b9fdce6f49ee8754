// The reference server with DPoP nonces on (RFC 9449): a login with a proof binds the session to its key, the API
// takes the bound token only with that key's proof, the refresh cookie refreshes only with it, and nonces are
// answered with use_dpop_nonce and DPoP-Nonce by the token endpoints and the API alike.
import { dpopKey } from '@tokenlife/test-utils/dpop'
import { describe, expect, it } from 'vitest'
import { call, DEMO, decodeJwt, start } from './helpers'

const key = (now: () => number) => dpopKey({ now })

describe('the reference server with DPoP', () => {
  it('login → API → refresh with the session’s key; nonces from the token endpoint and the API; a copy without the key is refused', async () => {
    const server = await start({ dpop: { nonceSecret: 'a-nonce-secret-of-at-least-32-bytes!!' } })
    const now = () => server.clock.now
    const own = await key(now)
    const login = async (nonce?: string | null) =>
      call(server, '/auth/login', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', DPoP: await own.proof('POST', `${server.url}/auth/login`, { nonce }) },
        body: JSON.stringify(DEMO),
      })
    const challenged = await login()
    expect(challenged).toMatchObject({ status: 400, body: { error: 'use_dpop_nonce' } })
    const signedIn = await login(challenged.headers.get('DPoP-Nonce'))
    expect(signedIn.status).toBe(200)
    expect(signedIn.body.token_type).toBe('DPoP')
    const accessToken = signedIn.body.access_token as string
    expect(decodeJwt(accessToken).payload.cnf).toEqual({ jkt: own.jkt })
    const nonce = signedIn.headers.get('DPoP-Nonce')

    const api = `${server.url}/api/me`
    const me = await call(server, '/api/me', { headers: { Authorization: `DPoP ${accessToken}`, DPoP: await own.proof('GET', api, { accessToken, nonce }) } })
    expect(me.status).toBe(200)
    expect(me.headers.get('DPoP-Nonce')).toBe(nonce)
    expect((await call(server, '/api/me', { headers: { Authorization: `Bearer ${accessToken}` } })).status).toBe(401)
    const thief = await key(now)
    const stolen = await call(server, '/api/me', { headers: { Authorization: `DPoP ${accessToken}`, DPoP: await thief.proof('GET', api, { accessToken, nonce }) } })
    expect(stolen.status).toBe(401)
    expect(stolen.headers.get('www-authenticate')).toMatch(/^DPoP error="invalid_dpop_proof"/)

    const refresh = async (by: typeof own) =>
      call(server, '/auth/refresh', {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: `tokenlife_rt=${signedIn.cookie}`, DPoP: await by.proof('POST', `${server.url}/auth/refresh`, { nonce }) },
        body: 'grant_type=refresh_token',
      })
    const refused = await refresh(thief)
    expect(refused).toMatchObject({ status: 400, body: { error: 'invalid_grant' }, setCookie: undefined })
    const refreshed = await refresh(own)
    expect(refreshed.status).toBe(200)
    expect(decodeJwt(refreshed.body.access_token as string).payload.cnf).toEqual({ jkt: own.jkt })
  })
})

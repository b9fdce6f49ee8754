// What a copy of a DPoP-bound session is worth without the key, in real Chromium against oidc-provider (DPoP required,
// nonces on) and an API that takes DPoP-bound tokens only: the key cannot be exported; the access and refresh
// tokens, copied out of the page and sent from Node, are refused with or without a key of the thief's own; a proof
// replayed (to the API, to the token endpoint) is refused; the session lives on. And the concurrency scenarios of the
// core's suites with DPoP on: refresh storms (one request a round, no reuse) and 401 waves (one refresh).
import type { Page } from 'playwright'
import { beforeAll, describe, expect, it } from 'vitest'
import { CLIENT_ID } from '@tokenlife/example-oidc-provider'
import { decodePart, nodeClient, proofKey, recordRequests, storedKeys } from './dpopPage'
import { callbackOutcome, loginThroughForm, openApp, stateOf, storedSession, useOAuthStack, type PageApp } from './oauthApp'

// Long-lived access tokens: nothing refreshes on its own here; every request is one the test caused.
const stack = useOAuthStack({ accessTokenTtl: 600, dpop: { nonces: true } })

declare global {
  interface Window {
    outcome: Promise<unknown>
  }
}

const callApi = (page: Page) => page.evaluate(() => (window as unknown as { app: PageApp }).app.callApi())
const sameToken = async (pages: Page[]) =>
  expect.poll(async () => new Set((await Promise.all(pages.map(stateOf))).map((state) => state.accessToken)).size, { timeout: 10_000 }).toBe(1)

describe('DPoP: what a copied token can do, and the concurrency scenarios', () => {
  let pages: Page[]
  let jkt: string
  let tokenRequests: ReturnType<typeof recordRequests>

  beforeAll(async () => {
    const context = await stack.newContext('file')
    pages = await Promise.all(Array.from({ length: 5 }, () => openApp(stack, context)))
    tokenRequests = recordRequests(pages, stack.op.tokenEndpoint)
    await loginThroughForm(stack, pages[0]!, 'ada')
    expect(await callbackOutcome(pages[0]!)).toEqual({ returnTo: '/' })
    for (const page of pages) await page.waitForFunction(() => (window as unknown as { app: PageApp }).app.auth.getState().status === 'authenticated')
    jkt = (decodePart((await stateOf(pages[0]!)).accessToken!, 1).cnf as { jkt: string }).jkt
  }, 60_000)

  it('the key cannot be exported: extractable false, exportKey refused, in IndexedDB and through auth.dpop', async () => {
    expect(await storedKeys(pages[3]!)).toEqual([expect.objectContaining({ jkt, extractable: false, exported: 'InvalidAccessError' })])
    const viaClient = await pages[1]!.evaluate(async () => {
      const key = (await (window as unknown as { app: PageApp }).app.auth.dpop!.key())!
      const formats = await Promise.all(['jwk', 'pkcs8'].map((format) => crypto.subtle.exportKey(format as 'jwk', key.keyPair.privateKey).then(() => 'exported', (error: Error) => error.name)))
      return { jkt: key.jkt, extractable: key.keyPair.privateKey.extractable, formats }
    })
    expect(viaClient).toEqual({ jkt, extractable: false, formats: ['InvalidAccessError', 'InvalidAccessError'] })
  })

  it('refresh storm: refresh() in every tab while the first request is held, 5 rounds: one request a round, no reuse', async () => {
    const { op } = stack
    for (let round = 0; round < 5; round++) {
      const before = op.log.refreshSuccesses
      const sent = tokenRequests.length
      const release = op.holdRefreshes()
      try {
        await Promise.all(pages.map((page) => page.evaluate(() => {
          window.outcome = (window as unknown as { app: PageApp }).app.auth.refresh().then((state) => state.status, (error: unknown) => String(error))
        })))
        await expect.poll(() => tokenRequests.length, { timeout: 30_000 }).toBeGreaterThan(sent)
      } finally {
        release()
      }
      expect(await Promise.all(pages.map((page) => page.evaluate(() => window.outcome)))).toEqual(pages.map(() => 'authenticated'))
      await sameToken(pages)
      expect(op.log.refreshSuccesses - before).toBe(1)
      expect(tokenRequests.length - sent).toBe(1)
    }
    expect(op.log.refreshErrors).toEqual([])
    expect(op.log.nonceChallenges.filter((challenge) => challenge.grantType === 'refresh_token')).toEqual([])
    expect(new Set(op.log.dpopKeys)).toEqual(new Set([jkt]))
  }, 120_000)

  it('401 wave: the API refuses the current token, every tab calls createAuthFetch at once: one refresh, all succeed', async () => {
    const { op } = stack
    for (const page of pages) expect(await callApi(page)).toBe(200)
    stack.api.rejectSeen()
    const before = op.log.refreshSuccesses
    const statuses = await Promise.all(pages.map((page) => page.evaluate(() => (window as unknown as { app: PageApp }).app.callApi())))
    expect(statuses).toEqual(pages.map(() => 200))
    expect(op.log.refreshSuccesses - before).toBe(1)
    expect(op.log.refreshErrors).toEqual([])
    await sameToken(pages)
  }, 60_000)

  it('tokens copied out of the page are refused from Node: the access token (bearer, or with a proof of another key), the refresh token; the session lives on', async () => {
    const { op } = stack
    const { accessToken } = await stateOf(pages[0]!)
    const { refreshToken } = await storedSession(pages[0]!)
    const api = `${stack.appOrigin}/api/me`
    const thief = await nodeClient()
    // The access token: as a bearer token, as a DPoP token without a proof, with a proof by the thief's key.
    expect((await fetch(api, { headers: { Authorization: `Bearer ${accessToken}` } })).status).toBe(401)
    expect((await fetch(api, { headers: { Authorization: `DPoP ${accessToken}` } })).status).toBe(401)
    const signed = await fetch(api, { headers: { Authorization: `DPoP ${accessToken}`, DPoP: await thief.proof('GET', api, { accessToken, nonce: stack.api.nonces.current() }) } })
    expect(signed.status).toBe(401)
    expect(signed.headers.get('WWW-Authenticate')).toMatch(/invalid_dpop_proof/)
    // The refresh token: without a proof, and with the thief's (after its nonce round trip).
    const body = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken!, client_id: CLIENT_ID })
    const bare = await fetch(op.tokenEndpoint, { method: 'POST', body })
    expect(bare.status).toBe(400)
    expect(await thief.tokenRequest(op.tokenEndpoint, body)).toMatchObject({ status: 400, error: 'invalid_grant' })
    expect(op.log.refreshErrors.at(-1)).toMatchObject({ error: 'invalid_grant', detail: 'failed jkt verification' })
    expect(await op.isRefreshTokenActive(refreshToken!)).toBe(true)
    // The session lives on: the page refreshes with its key and calls the API.
    expect(await pages[0]!.evaluate(() => (window as unknown as { app: PageApp }).app.auth.refresh().then((state) => state.status))).toBe('authenticated')
    expect(await callApi(pages[0]!)).toBe(200)
  }, 60_000)

  it('a replayed proof is refused: an API request and a refresh request sent again from Node', async () => {
    const { op } = stack
    const apiRequests = recordRequests([pages[1]!], `${stack.appOrigin}/api/me`)
    expect(await callApi(pages[1]!)).toBe(200)
    const [call] = apiRequests
    const replayed = await fetch(call!.url, { headers: { Authorization: call!.headers.authorization!, DPoP: call!.headers.dpop! } })
    expect(replayed.status).toBe(401)
    expect(replayed.headers.get('WWW-Authenticate')).toMatch(/invalid_dpop_proof/)

    const sent = tokenRequests.length
    expect(await pages[1]!.evaluate(() => (window as unknown as { app: PageApp }).app.auth.refresh().then((state) => state.status))).toBe('authenticated')
    const refresh = tokenRequests[sent]!
    expect(await proofKey(refresh.headers.dpop!)).toBe(jkt)
    const again = await fetch(refresh.url, { method: 'POST', body: refresh.body!, headers: { 'Content-Type': 'application/x-www-form-urlencoded', DPoP: refresh.headers.dpop! } })
    expect(again.status).toBe(400)
    expect(await again.json()).toMatchObject({ error: 'invalid_grant' })
    // Refused for the proof's jti, before the spent refresh token was looked at (which would also be refused).
    expect(op.log.refreshErrors.at(-1)).toMatchObject({ error: 'invalid_grant', detail: 'DPoP proof JWT Replay detected' })
    // Nothing was revoked: the tabs go on.
    expect(await pages[2]!.evaluate(() => (window as unknown as { app: PageApp }).app.auth.refresh().then((state) => state.status))).toBe('authenticated')
    for (const page of pages) expect(await callApi(page)).toBe(200)
    // The provider refused the thief's three requests and none of the page's.
    expect(op.log.refreshErrors.map((error) => error.detail)).toEqual(['DPoP proof JWT not provided', 'failed jkt verification', 'DPoP proof JWT Replay detected'])
  }, 60_000)
})

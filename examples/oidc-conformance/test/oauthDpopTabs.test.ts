// @tokenlife/oauth with dpop: true in five real Chromium tabs against oidc-provider with DPoP required and nonces on,
// and an API that takes DPoP-bound tokens only: the sign-in binds the first tokens (dpop_jkt, the code exchange
// signed), every tab signs with the one key of the session, silent refresh with rotation costs one request each
// (nonces shared), a nonce the API gave one tab is in the others' first proofs, and logout signs the revocation and
// deletes the key.
import type { Page } from 'playwright'
import { describe, expect, it } from 'vitest'
import { decodePart, proofKey, recordRequests, storedKeys } from './dpopPage'
import { callbackOutcome, loginThroughForm, openApp, stateOf, storedSession, useOAuthStack, type PageApp } from './oauthApp'

const TTL_SECONDS = 4
const stack = useOAuthStack({ accessTokenTtl: TTL_SECONDS, dpop: { nonces: true } })

const callApi = (page: Page) => page.evaluate(() => (window as unknown as { app: PageApp }).app.callApi())
/** The nonces the page's client keeps for every tab (the shared mark). */
const sharedNonces = (page: Page) => page.evaluate(() => JSON.parse(localStorage.getItem('tokenlife:default:dpop_nonce') ?? '{}') as Record<string, string>)

describe('DPoP: five tabs, oidc-provider requiring DPoP with nonces', () => {
  it('sign-in bound to a new key → API with proofs → silent refresh, one request each → logout signs the revocation and deletes the key', async () => {
    const { op } = stack
    const context = await stack.newContext()
    const pages = await Promise.all(Array.from({ length: 5 }, () => openApp(stack, context)))
    for (const page of pages) await page.waitForFunction(() => (window as unknown as { app: PageApp }).app.auth.getState().status === 'unauthenticated')
    const tokenRequests = recordRequests(pages, op.tokenEndpoint)
    const revocations = recordRequests(pages, op.revocationEndpoint)
    const apiCalls = recordRequests(pages, `${stack.appOrigin}/api/`)

    // The authorization request names the new session's key; the code exchange proves it.
    const authorization = pages[0]!.waitForRequest((request) => request.url().startsWith(`${op.issuer}/auth`))
    await loginThroughForm(stack, pages[0]!, 'ada')
    expect(await callbackOutcome(pages[0]!)).toEqual({ returnTo: '/' })
    const dpopJkt = new URL((await authorization).url()).searchParams.get('dpop_jkt')
    const keys = await storedKeys(pages[0]!)
    expect(keys).toHaveLength(1)
    expect(keys[0]).toMatchObject({ jkt: dpopJkt, extractable: false, exported: 'InvalidAccessError' })
    const signedIn = await stateOf(pages[0]!)
    expect(signedIn).toMatchObject({ status: 'authenticated', user: { sub: 'ada' } })
    expect(decodePart(signedIn.accessToken!, 1).cnf).toEqual({ jkt: dpopJkt })
    expect(op.log.codeSuccesses).toBe(1)
    expect(op.log.nonceChallenges.map((challenge) => challenge.grantType)).toEqual(['authorization_code']) // the first proof had no nonce yet
    const exchange = tokenRequests.filter((request) => request.body?.includes('grant_type=authorization_code'))
    expect(await Promise.all(exchange.map((request) => proofKey(request.headers.dpop!)))).toEqual([dpopJkt, dpopJkt])

    // The four others are signed in with it, without a request of their own.
    for (const page of pages.slice(1)) {
      await page.waitForFunction(() => (window as unknown as { app: PageApp }).app.auth.getState().status === 'authenticated')
      expect((await stateOf(page)).accessToken).toBe(signedIn.accessToken)
    }
    expect(tokenRequests.filter((request) => request.tab > 0)).toEqual([])

    // The API: the first call learns the API's nonce (one use_dpop_nonce), every other tab's first proof carries it.
    expect(await callApi(pages[0]!)).toBe(200)
    const apiNonce = stack.api.nonces.current()
    for (const page of pages.slice(1)) {
      await page.waitForFunction((origin) => JSON.parse(localStorage.getItem('tokenlife:default:dpop_nonce') ?? '{}')[origin] !== undefined, stack.appOrigin)
      expect((await sharedNonces(page))[stack.appOrigin]).toBe(apiNonce)
      expect(await callApi(page)).toBe(200)
    }
    expect(stack.api.calls.filter((call) => call.error === 'use_dpop_nonce')).toHaveLength(1)
    expect(stack.api.calls.filter((call) => call.status === 200).map((call) => call.jkt)).toEqual(Array(5).fill(dpopJkt))
    for (const call of apiCalls) expect(call.headers.authorization).toMatch(/^DPoP /)

    // Silent refresh over three lifetimes and more: rotation, one request a refresh (the nonce of the code exchange
    // is in the first refresh's proof), every proof by the session's one key.
    const refreshesBefore = op.log.refreshSuccesses
    await pages[0]!.waitForTimeout(3.5 * TTL_SECONDS * 1000)
    const refreshes = op.log.refreshSuccesses - refreshesBefore
    expect(refreshes).toBeGreaterThanOrEqual(3)
    expect(op.log.refreshErrors).toEqual([])
    expect(op.log.nonceChallenges.filter((challenge) => challenge.grantType === 'refresh_token')).toEqual([])
    const refreshRequests = tokenRequests.filter((request) => request.body?.includes('grant_type=refresh_token'))
    expect(refreshRequests.length).toBeLessThanOrEqual(refreshes + 1) // one on the wire as we look
    expect(new Set(await Promise.all(refreshRequests.map((request) => proofKey(request.headers.dpop!))))).toEqual(new Set([dpopJkt]))
    for (const page of pages) expect(await callApi(page)).toBe(200)
    expect(await storedKeys(pages[4]!)).toHaveLength(1)

    // Logout in the third tab: the revocation is signed with the key, then the key is gone; no tab has a session.
    const { refreshToken } = await storedSession(pages[2]!)
    const toProvider = pages[2]!.waitForURL((url) => url.href.startsWith(`${op.issuer}/session/end`))
    await pages[2]!.evaluate(() => void (window as unknown as { app: PageApp }).app.oauth.logout({ returnTo: '/' }))
    await toProvider
    await Promise.all([pages[2]!.waitForURL(`${stack.appOrigin}/`), pages[2]!.click('button[value=yes]')])
    expect(revocations.length).toBeGreaterThanOrEqual(1)
    expect(await proofKey(revocations[0]!.headers.dpop!)).toBe(dpopJkt)
    for (const page of [pages[0]!, pages[1]!, pages[3]!, pages[4]!]) {
      await page.waitForFunction(() => (window as unknown as { app: PageApp }).app.auth.getState().status === 'unauthenticated')
      expect(await callApi(page)).toBe(401)
    }
    expect(await storedKeys(pages[0]!)).toEqual([])
    expect(await op.isRefreshTokenActive(refreshToken!)).toBe(false)
  })
})

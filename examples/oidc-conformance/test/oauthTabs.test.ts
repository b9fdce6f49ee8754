// @tokenlife/oauth in five real Chromium tabs against oidc-provider, signing in at its login form: one sign-in
// signs every tab in, the session refreshes with rotation across tabs without a reuse, and one logout ends it
// everywhere, at the provider too.
import type { Page, Request } from 'playwright'
import { describe, expect, it } from 'vitest'
import { callbackOutcome, loginThroughForm, openApp, stateOf, storedSession, useOAuthStack, type PageApp } from './oauthApp'

const TTL_SECONDS = 4
const stack = useOAuthStack({ accessTokenTtl: TTL_SECONDS })

/** Counts each page's requests to the token endpoint. */
function countTokenRequests(pages: Page[], tokenEndpoint: string): number[] {
  const counts = pages.map(() => 0)
  pages.forEach((page, index) => {
    page.on('request', (request: Request) => {
      if (request.method() === 'POST' && request.url() === tokenEndpoint) counts[index]!++
    })
  })
  return counts
}

describe('five tabs, one sign-in at the provider', () => {
  it('sign-in → API → silent refresh over 3+ lifetimes with rotation (no reuse) → logout everywhere, at the provider too', async () => {
    const { op } = stack
    const context = await stack.newContext()
    const pages = await Promise.all(Array.from({ length: 5 }, () => openApp(stack, context)))
    for (const page of pages) await page.waitForFunction(() => (window as unknown as { app: PageApp }).app.auth.getState().status === 'unauthenticated')
    const tokenRequests = countTokenRequests(pages, op.tokenEndpoint)

    // The first tab signs in at the provider's login form.
    await loginThroughForm(stack, pages[0]!, 'ada')
    expect(await callbackOutcome(pages[0]!)).toEqual({ returnTo: '/' })
    const signedIn = await stateOf(pages[0]!)
    expect(signedIn).toMatchObject({ status: 'authenticated', user: { sub: 'ada', name: 'Ada' } })
    expect(pages[0]!.url()).toBe(`${stack.appOrigin}/callback`) // code and state gone from the address bar

    // The four others are signed in with it, without a request of their own.
    for (const page of pages.slice(1)) {
      await page.waitForFunction(() => (window as unknown as { app: PageApp }).app.auth.getState().status === 'authenticated')
      expect(await stateOf(page)).toMatchObject({ status: 'authenticated', accessToken: signedIn.accessToken, idToken: signedIn.idToken, user: { sub: 'ada' } })
    }
    expect(tokenRequests[0]).toBeGreaterThanOrEqual(1) // the code exchange (and, on a slow machine, a refresh)
    expect(tokenRequests.slice(1)).toEqual([0, 0, 0, 0])

    // An API call with the access token, from every tab.
    for (const page of pages) expect(await page.evaluate(() => (window as unknown as { app: PageApp }).app.callApi())).toBe(200)

    // Silent refresh over three lifetimes and more: rotation, one refresh at a time across the tabs, no reuse.
    const refreshesBefore = op.log.refreshSuccesses
    await pages[0]!.waitForTimeout(3.5 * TTL_SECONDS * 1000)
    expect(op.log.refreshSuccesses - refreshesBefore).toBeGreaterThanOrEqual(3)
    expect(op.log.refreshErrors).toEqual([])
    const tokens = await Promise.all(pages.map(stateOf))
    for (const state of tokens) expect(state).toMatchObject({ status: 'authenticated', user: { sub: 'ada' } })
    expect(new Set(tokens.map((state) => state.accessToken)).size).toBeLessThanOrEqual(2) // a refresh may be on its way
    for (const page of pages) expect(await page.evaluate(() => (window as unknown as { app: PageApp }).app.callApi())).toBe(200)
    expect(tokens.every((state) => state.accessToken !== signedIn.accessToken)).toBe(true)

    // Logout in the third tab: every tab signed out, the refresh token dead at the provider, end-session reached.
    const { refreshToken } = await storedSession(pages[2]!)
    expect(refreshToken).toBeTruthy()
    const toProvider = pages[2]!.waitForURL((url) => url.href.startsWith(`${op.issuer}/session/end`))
    await pages[2]!.evaluate(() => void (window as unknown as { app: PageApp }).app.oauth.logout({ returnTo: '/' }))
    await toProvider
    expect(new URL(pages[2]!.url()).searchParams.get('id_token_hint')).toBeTruthy()
    await Promise.all([pages[2]!.waitForURL(`${stack.appOrigin}/`), pages[2]!.click('button[value=yes]')])
    expect(op.log.endSessions).toBe(1)
    for (const page of [pages[0]!, pages[1]!, pages[3]!, pages[4]!]) {
      await page.waitForFunction(() => (window as unknown as { app: PageApp }).app.auth.getState().status === 'unauthenticated')
      expect(await stateOf(page)).toEqual({ status: 'unauthenticated', reason: 'logout' })
      // No token goes out any more: the API refuses the call.
      expect(await page.evaluate(() => (window as unknown as { app: PageApp }).app.callApi())).toBe(401)
    }
    expect(await storedSession(pages[0]!)).toEqual({ refreshToken: undefined, tabKeys: [] })
    expect(await op.isRefreshTokenActive(refreshToken!)).toBe(false)
    expect(op.log.refreshErrors).toEqual([])
    // The tab that logged out came back (a new page load) and finds no session to restore.
    await pages[2]!.waitForFunction(() => (window as unknown as { app: PageApp }).app.auth.getState().status !== 'initializing')
    expect(await stateOf(pages[2]!)).toEqual({ status: 'unauthenticated', reason: 'no_session' })
  })
})

// Sign-in, refresh and logout against a real oidc-provider (in Node; the browser suite is in examples/oidc-conformance).
import { API } from '@tokenlife/example-oidc-provider'
import { describe, expect, it } from 'vitest'
import { isReturnToError } from '../errors'
import { APP, atProvider, newBrowser, openTab, signIn, useProvider } from './harness'

const provider = useProvider()
const refreshKey = 'tokenlife:default:refresh_token'

describe('loginWithRedirect', () => {
  it('sends PKCE S256, state, nonce, openid, and passes the app’s parameters through', async () => {
    const tab = openTab(newBrowser(), '/orders?page=2', { authorizationParams: { audience: 'https://api.example' } })
    await tab.oauth.loginWithRedirect({
      authorizationParams: { prompt: 'login', login_hint: 'ada@tokenlife.test', acr_values: 'urn:mfa', ui_locales: 'fr en', resource: [API, 'https://other.example/'], scope: 'profile' },
    })
    const url = new URL(tab.navigations[0]!)
    const params = url.searchParams
    expect(`${url.origin}${url.pathname}`).toBe((await tab.oauth.metadata()).authorization_endpoint)
    expect(Object.fromEntries(params)).toMatchObject({
      client_id: 'tokenlife-spa',
      redirect_uri: `${APP}/callback`,
      response_type: 'code',
      code_challenge_method: 'S256',
      scope: 'openid profile',
      prompt: 'login',
      login_hint: 'ada@tokenlife.test',
      acr_values: 'urn:mfa',
      ui_locales: 'fr en',
      audience: 'https://api.example',
    })
    expect(params.getAll('resource')).toEqual([API, 'https://other.example/'])
    expect(params.get('code_challenge')).toMatch(/^[\w-]{43}$/)
    expect(params.get('state')).toMatch(/^[\w-]{20,}$/)
    expect(params.get('nonce')).toMatch(/^[\w-]{20,}$/)
    // The transaction is this tab's, in its sessionStorage: verifier, state, nonce and where to return.
    const transaction = JSON.parse(tab.tabStorage.getItem('tokenlife:default:oauth:transaction')!)
    expect(transaction).toMatchObject({ state: params.get('state'), nonce: params.get('nonce'), returnTo: '/orders?page=2' })
    expect(transaction.codeVerifier).toMatch(/^[\w-]{43}$/)
  })

  it('refuses a returnTo on another origin with a ReturnToError, and stores nothing', async () => {
    const tab = openTab(newBrowser())
    for (const returnTo of ['https://evil.example/', '//evil.example/x', 'javascript:alert(1)']) {
      const error = await tab.oauth.loginWithRedirect({ returnTo }).catch((caught: unknown) => caught)
      expect(isReturnToError(error)).toBe(true)
      expect(error).toMatchObject({ returnTo, origin: APP })
    }
    expect(tab.navigations).toEqual([])
    expect(tab.tabStorage.map.size).toBe(0)
  })

  it('refuses parameters the client sets itself, and values that are not strings, with a TypeError', async () => {
    const tab = openTab(newBrowser())
    await expect(tab.oauth.loginWithRedirect({ authorizationParams: { state: 'mine' } })).rejects.toThrow(/authorizationParams.state is set by the client/)
    await expect(tab.oauth.loginWithRedirect({ authorizationParams: { prompt: {} as never } })).rejects.toThrow(TypeError)
    expect(tab.navigations).toEqual([])
  })
})

describe('discovery', () => {
  it('fetches the metadata once per page, and not at all when an earlier page cached a fresh copy', async () => {
    const browser = newBrowser()
    const first = openTab(browser)
    await Promise.all([first.oauth.metadata(), first.oauth.metadata(), first.oauth.loginWithRedirect()])
    const discovery = () => browser.requests.filter((request) => request.endsWith('/.well-known/openid-configuration')).length
    expect(discovery()).toBe(1)
    const second = openTab(browser)
    await second.oauth.loginWithRedirect()
    expect(discovery()).toBe(1)
    const stale = openTab(browser, '/', { discoveryCacheMs: 0 })
    await stale.oauth.metadata()
    expect(discovery()).toBe(2)
  })

  it('uses metadata given by hand without a request', async () => {
    const browser = newBrowser()
    const metadata = await openTab(newBrowser()).oauth.metadata()
    const tab = openTab(browser, '/', { metadata })
    await signIn(tab)
    expect(browser.requests.some((request) => request.includes('.well-known'))).toBe(false)
    expect(tab.auth.getState().status).toBe('authenticated')
  })
})

describe('handleRedirectCallback', () => {
  it('signs in: validated ID token as state.user, the refresh token stored, the address bar cleaned, returnTo', async () => {
    const browser = newBrowser()
    const tab = openTab(browser, '/account#top')
    const { returnTo } = await signIn(tab, 'ada')
    expect(returnTo).toBe('/account#top')
    const state = tab.auth.getState()
    expect(state).toMatchObject({ status: 'authenticated', user: { sub: 'ada', email: 'ada@tokenlife.test', iss: provider().issuer, aud: 'tokenlife-spa' } })
    expect(state.idToken).toMatch(/^ey/)
    expect(await browser.storage.get(refreshKey)).toBeTruthy()
    expect(tab.page.url).toBe(`${APP}/callback`)
    expect(tab.tabStorage.map.has('tokenlife:default:oauth:transaction')).toBe(false)
    // The ID token's signature was checked with the provider's JWKS.
    expect(browser.requests).toContain('GET /jwks')
  })

  it('two calls at once for the same URL (React StrictMode) make one code exchange and share its result', async () => {
    const tab = openTab(newBrowser())
    await tab.oauth.loginWithRedirect()
    tab.page.url = await atProvider(tab)
    const before = provider().log.codeSuccesses
    const [first, second] = await Promise.all([tab.oauth.handleRedirectCallback(), tab.oauth.handleRedirectCallback()])
    expect(first).toBe(second)
    expect(provider().log.codeSuccesses - before).toBe(1)
    expect(provider().log.codeErrors).toEqual([])
  })

  it('a sign-in asked for while the page’s callback is handled waits for it, and does not leave once it signed in', async () => {
    const tab = openTab(newBrowser())
    await tab.oauth.loginWithRedirect()
    tab.page.url = await atProvider(tab)
    const navigations = tab.navigations.length
    const callback = tab.oauth.handleRedirectCallback()
    await tab.oauth.loginWithRedirect() // a guard that saw no session yet
    await callback
    expect(tab.navigations).toHaveLength(navigations)
    // Signed in, a new sign-in (another account) goes to the provider.
    await tab.oauth.loginWithRedirect({ authorizationParams: { prompt: 'login' } })
    expect(tab.navigations).toHaveLength(navigations + 1)
  })

  it('a resource (RFC 8707) gives a JWT access token for that API', async () => {
    const tab = openTab(newBrowser())
    await signIn(tab, 'ada', { authorizationParams: { resource: API, scope: 'api:read' } })
    expect(tab.auth.getState().claims).toMatchObject({ aud: API, sub: 'ada' })
  })
})

describe('the session after sign-in', () => {
  it('refreshes at the discovered token endpoint; each refreshed ID token is validated and replaces the user', async () => {
    const browser = newBrowser()
    const tab = openTab(browser)
    await signIn(tab)
    const first = tab.auth.getState()
    const refreshed = await tab.auth.refresh()
    expect(refreshed.accessToken).not.toBe(first.accessToken)
    // The code exchange and this refresh at least (a scheduled refresh of the 5 s token may have joined them).
    expect(browser.requests.filter((request) => request === 'POST /token').length).toBeGreaterThanOrEqual(2)
    // (RS256 is deterministic: within the same second the provider may sign the very same ID token again.)
    expect(refreshed.user).toMatchObject({ sub: 'ada', aud: 'tokenlife-spa' })
    expect(refreshed.user!.iat).toBeGreaterThanOrEqual(first.user!.iat!)
    expect(provider().log.refreshErrors).toEqual([])
  })

  it('fetchUserInfo() returns the signed-in user’s claims from the userinfo endpoint', async () => {
    const tab = openTab(newBrowser())
    await signIn(tab, 'grace')
    expect(await tab.oauth.fetchUserInfo()).toMatchObject({ sub: 'grace', email: 'grace@tokenlife.test', name: 'Grace' })
  })

  it('logout(): every trace gone, the refresh token revoked at the provider, then RP-initiated logout', async () => {
    const browser = newBrowser()
    const tab = openTab(browser)
    await signIn(tab)
    const refreshToken = (await browser.storage.get(refreshKey))!
    const { idToken } = tab.auth.getState()
    await tab.oauth.logout({ returnTo: '/bye' })
    expect(tab.auth.getState()).toEqual({ status: 'unauthenticated', reason: 'logout' })
    expect(await browser.storage.get(refreshKey)).toBeUndefined()
    expect(await provider().isRefreshTokenActive(refreshToken)).toBe(false)
    const endSession = new URL(tab.navigations.at(-1)!)
    expect(`${endSession.origin}${endSession.pathname}`).toBe((await tab.oauth.metadata()).end_session_endpoint)
    expect(Object.fromEntries(endSession.searchParams)).toEqual({ client_id: 'tokenlife-spa', id_token_hint: idToken, post_logout_redirect_uri: `${APP}/bye` })
  })

  it('logout() refuses a returnTo on another origin before ending anything', async () => {
    const tab = openTab(newBrowser())
    await signIn(tab)
    await expect(tab.oauth.logout({ returnTo: 'https://evil.example/' })).rejects.toMatchObject({ name: 'ReturnToError' })
    expect(tab.auth.getState().status).toBe('authenticated')
  })
})

// @vitest-environment node
// oauth4webapi (inside @tokenlife/oauth) fails under jsdom: Web Crypto hands it ArrayBuffers of another realm.
import { createOAuthClient, isCallbackStateError, isIdTokenError } from '@tokenlife/oauth'
import { memoryStorage } from '@tokenlife/core'
import { describe, expect, it } from 'vitest'
import { mockOidcProvider, type MockOidcProvider } from '../../src/index'

const app = (provider: MockOidcProvider, page = provider.page('http://app.test/'), options: { clientId?: string } = {}) =>
  createOAuthClient({
    issuer: provider.issuer,
    clientId: options.clientId ?? provider.clientId,
    redirectUri: '/callback',
    postLogoutRedirectUri: 'http://app.test/',
    storage: memoryStorage(),
    environment: page.environment,
  })

describe('mockOidcProvider() with @tokenlife/oauth', () => {
  it('signs in through the redirect flow: PKCE, a signed ID token @tokenlife/oauth validates, then refreshes and logs out', async () => {
    const provider = mockOidcProvider({ users: [{ email: 'grace@example.com', password: 'x', id: 'grace', claims: { name: 'Grace Hopper' } }] })
    const page = provider.page('http://app.test/account')
    const oauth = app(provider, page)

    await oauth.loginWithRedirect({ returnTo: '/account' })
    expect(page.navigations[0]).toMatch(new RegExp(`^${provider.issuer}/authorize\\?`))
    expect(page.url).toMatch(/^http:\/\/app\.test\/callback\?code=.+&state=.+&iss=/)

    await expect(oauth.handleRedirectCallback()).resolves.toEqual({ returnTo: '/account' })
    const state = oauth.auth.getState()
    expect(state).toMatchObject({ status: 'authenticated', user: { sub: 'grace', name: 'Grace Hopper', email: 'grace@example.com' } })
    expect(page.url).toBe('http://app.test/callback')
    expect(provider.count('token', 'code-exchanged')).toBe(1)

    // A refresh rotates the refresh token and brings a new ID token, which the OAuth client validates too.
    const before = state.accessToken
    await oauth.auth.refresh()
    expect(oauth.auth.getState().accessToken).not.toBe(before)
    expect(provider.count('token', 'rotated')).toBe(1)

    await oauth.logout({ returnTo: '/' })
    expect(oauth.auth.getState()).toMatchObject({ status: 'unauthenticated', reason: 'logout' })
    expect(provider.sessions()[0]!.revoked).toBe('logout')
    expect(page.navigations.at(-1)).toMatch(new RegExp(`^${provider.issuer}/end-session\\?.*id_token_hint=`))
    expect(page.url).toBe('http://app.test/')
    expect(provider.signedInUser).toBeUndefined()
  })

  it('refuses what a real provider refuses: a replayed callback, a changed verifier, a refused sign-in, reuse of a rotated token', async () => {
    const provider = mockOidcProvider()
    const page = provider.page('http://app.test/')
    const oauth = app(provider, page)
    await oauth.loginWithRedirect()
    const callback = page.url
    await oauth.handleRedirectCallback()
    // The same callback again, in a new page: its state was used.
    const replay = app(provider, provider.page(callback))
    await expect(replay.handleRedirectCallback()).rejects.toSatisfy(isCallbackStateError)

    provider.refuseNextAuthorization('access_denied')
    const refused = provider.page('http://app.test/')
    const other = app(provider, refused)
    await other.loginWithRedirect()
    expect(refused.url).toMatch(/error=access_denied/)
    await expect(other.handleRedirectCallback()).rejects.toMatchObject({ name: 'AuthorizationError', error: 'access_denied' })
    expect(other.auth.getState().status).not.toBe('authenticated')
  })

  it('signs its ID tokens with the keys of its JWKS: after a rotation without the old key, an old token no longer verifies', async () => {
    const provider = mockOidcProvider()
    const page = provider.page('http://app.test/')
    const oauth = app(provider, page)
    await oauth.loginWithRedirect()
    await oauth.handleRedirectCallback()
    const jwks = (await (await provider.handle(new Request(`${provider.issuer}/jwks`))).json()) as { keys: { kid: string; alg: string }[] }
    expect(jwks.keys).toHaveLength(1)
    expect(jwks.keys[0]).toMatchObject({ alg: 'ES256', kty: 'EC' })

    provider.rotateKeys()
    const rotated = (await (await provider.handle(new Request(`${provider.issuer}/jwks`))).json()) as { keys: unknown[] }
    expect(rotated.keys).toHaveLength(2)
    // A fresh app (fresh JWKS) signs in with the new key.
    const fresh = app(provider, provider.page('http://app.test/'))
    const freshPage = provider.page('http://app.test/')
    const second = app(provider, freshPage)
    await second.loginWithRedirect()
    await expect(second.handleRedirectCallback()).resolves.toEqual({ returnTo: '/' })
    expect(fresh).toBeDefined()
    expect(isIdTokenError(undefined)).toBe(false)
  })
})

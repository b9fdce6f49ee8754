// @auth0/auth0-spa-js: useRefreshTokens with cacheLocation 'localstorage', as its docs recommend for an SPA that
// wants sessions to survive reloads and be shared by tabs. Sign-in is the redirect flow (the bench server's
// /authorize answers at once with a code).
import { createAuth0Client } from '@auth0/auth0-spa-js'
import { runPage } from './common.mjs'

const signedOutErrors = new Set(['login_required', 'missing_refresh_token', 'invalid_grant', 'consent_required'])
let client
runPage({
  async init({ mark, params }) {
    client = await createAuth0Client({
      domain: `${location.origin}/a0`,
      clientId: 'bench-spa',
      useRefreshTokens: true,
      cacheLocation: 'localstorage',
      leeway: Number(params.get('margin') ?? 60),
      authorizationParams: { redirect_uri: `${location.origin}/auth0.html${location.search}` },
    })
    if (params.has('code') && params.has('state')) {
      await client.handleRedirectCallback()
      const clean = new URLSearchParams(params)
      clean.delete('code')
      clean.delete('state')
      history.replaceState(null, '', `${location.pathname}?${clean}`)
    }
    if (await client.isAuthenticated()) mark(true)
  },
  login: () => client.loginWithRedirect({ authorizationParams: { redirect_uri: `${location.href}` } }),
  async callApi(url) {
    let token
    try {
      token = await client.getTokenSilently()
    } catch (error) {
      if (signedOutErrors.has(error?.error)) return 'signed-out'
      throw error
    }
    return (await fetch(url, { headers: { Authorization: `Bearer ${token}` } })).ok ? 'ok' : 'unauthorized'
  },
  forceRefresh: () => client.getTokenSilently({ cacheMode: 'off' }),
  async logout() {
    await client.revokeRefreshToken()
    await client.logout({ openUrl: false })
  },
})

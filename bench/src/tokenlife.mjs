// Everything the benchmark knows about tokenlife's public API lives in this one file, so an API change is one edit:
// the browser driver for the tab and sleep parts, the app code whose bundle size is measured, and the clients of
// the request-overhead part. Plain ESM with no Node imports: it is bundled for the browser and imported by Node.
import { createAuthClient, createAuthFetch, idleTimeout, isSessionEndedError } from '@tokenlife/core'
import { createAuthHttp } from '@tokenlife/core/ky'

/** What a cookie-mode app imports, for the size part (esbuild entry sources, resolved from bench/). */
export const sizeEntries = {
  'tokenlife (createAuthClient + createAuthFetch)': `import { createAuthClient, createAuthFetch } from '@tokenlife/core'
const auth = createAuthClient({ refreshUrl: '/auth/refresh', loginUrl: '/auth/login', logoutUrl: '/auth/logout' })
const authFetch = createAuthFetch(auth)
auth.start(); export const load = () => authFetch('/api/me')`,
  'tokenlife + ky helpers (createAuthHttp from @tokenlife/core/ky)': `import { createAuthClient } from '@tokenlife/core'
import { createAuthHttp } from '@tokenlife/core/ky'
const auth = createAuthClient({ refreshUrl: '/auth/refresh', loginUrl: '/auth/login', logoutUrl: '/auth/logout' })
auth.start(); export const load = () => createAuthHttp(auth).get('/api/me').json()`,
  'tokenlife storage mode (createAuthClient + createAuthFetch, refresh token in IndexedDB)': `import { createAuthClient, createAuthFetch } from '@tokenlife/core'
const auth = createAuthClient({ refreshUrl: 'https://id.example.com/token', logoutUrl: 'https://id.example.com/revoke', oauthClientId: 'spa', refreshToken: 'storage' })
const authFetch = createAuthFetch(auth)
auth.start(); export const load = () => authFetch('/api/me')`,
  'tokenlife + @tokenlife/oauth: OpenID Connect login (createOAuthClient + createAuthFetch; oauth4webapi lazy)': `import { createAuthFetch } from '@tokenlife/core'
import { createOAuthClient } from '@tokenlife/oauth'
const oauth = createOAuthClient({ issuer: 'https://id.example.com', clientId: 'spa', redirectUri: '/callback' })
const authFetch = createAuthFetch(oauth.auth)
oauth.auth.start()
export const login = () => oauth.loginWithRedirect()
export const callback = () => oauth.handleRedirectCallback()
export const logout = () => oauth.logout()
export const load = () => authFetch('/api/me')`,
}

/**
 * The bindings: all their own code (every export, the OAuth helpers too), without the core, react and vue, and
 * without their re-export of the core (see `ownCode` in size.mjs).
 */
export const bindingEntries = {
  '@tokenlife/react (own code)': { source: `export * from '@tokenlife/react'`, external: ['@tokenlife/core', 'react', 'react/jsx-runtime'] },
  '@tokenlife/vue (own code)': { source: `export * from '@tokenlife/vue'`, external: ['@tokenlife/core', 'vue'] },
}

/**
 * Packages beside the core, measured as their own code (every export) in both builds: without the core, and for
 * @tokenlife/oauth without oauth4webapi, which an app loads as a lazy chunk on the first sign-in (the login-path row
 * above counts it).
 */
export const packageEntries = {
  '@tokenlife/oauth (own code; oauth4webapi lazy, not counted)': { source: `export * from '@tokenlife/oauth'`, external: ['@tokenlife/core', 'oauth4webapi'] },
}

/**
 * The tab driver: how a cookie-mode app signs in, calls its API through `createAuthFetch(auth)`, forces a refresh and logs
 * out (through `createAuthFetch`). `mark(signedIn)` tells the harness what the app would render.
 */
export function tokenlifeDriver() {
  let auth
  let authFetch
  return {
    async init({ mark, params }) {
      // `?idle=<ms>`: the idle timeout (the idle part of the tabs bench), warning for the last 40 % of it.
      const idleMs = Number(params.get('idle'))
      const idle = idleMs > 0 ? { idle: idleTimeout({ timeoutMs: idleMs, warnMs: idleMs * 0.4 }) } : {}
      auth = createAuthClient({ refreshUrl: '/tl/refresh', loginUrl: '/tl/login', logoutUrl: '/tl/logout', allowedOrigins: [location.origin], ...idle })
      authFetch = createAuthFetch(auth)
      auth.subscribe((state) => {
        if (state.status === 'authenticated') mark(true)
        else if (state.status === 'unauthenticated') mark(false)
      })
      // The last events, for reading a run that went wrong (window.bench.events in the page).
      const events = (window.bench.events = [])
      auth.onEvent((event) => {
        events.push({ at: Math.round(performance.timeOrigin + performance.now()), ...event })
        if (events.length > 40) events.shift()
      })
      await auth.start()
    },
    login: () => auth.login({ username: 'demo', password: 'demo' }),
    async callApi(url) {
      try {
        return (await authFetch(url)).ok ? 'ok' : 'unauthorized'
      } catch (error) {
        if (isSessionEndedError(error)) return 'signed-out'
        throw error
      }
    },
    forceRefresh: () => auth.refresh(),
    logout: () => auth.logout(),
    /** The idle timeout's state (`status`, and while warning `deadline`). */
    idleState: () => auth.idle.getState(),
  }
}

/** For the overhead part (Node): a client holding a long-lived token, and its two helpers. */
export function overheadClients({ refreshUrl, origin, accessToken }) {
  const auth = createAuthClient({ refreshUrl, allowedOrigins: [origin] })
  auth.setTokens({ accessToken })
  return {
    fetch: createAuthFetch(auth),
    http: createAuthHttp(auth),
    getAccessToken: () => auth.getAccessToken(),
    destroy: () => auth.destroy(),
  }
}

/** For the fleet part (Node, virtual time): one tab's client on a fake environment, in cookie mode (`timing` to compare). */
export function fleetTab(environment, origin, timing) {
  const auth = createAuthClient({ refreshUrl: `${origin}/auth/refresh`, loginUrl: `${origin}/auth/login`, logoutUrl: `${origin}/auth/logout`, environment, ...(timing ? { timing } : {}) })
  return {
    start: () => auth.start(),
    login: () => auth.login({ username: 'demo', password: 'demo' }),
    status: () => auth.getState().status,
    refresh: () => auth.refresh(),
    subscribe: auth.subscribe,
    onEvent: auth.onEvent,
    destroy: () => auth.destroy(),
  }
}

// Sign-in at an OpenID Connect provider through the binding: `user`, `loginWithRedirect`, `authGuard` sending a
// visitor to the provider, and the callback route's guard; with an OAuth client by shape (no OAuth code loaded).
import type { RedirectLogin } from '@tokenlife/core'
import { mintJwt } from '@tokenlife/test-utils'
import { describe, expect, it, vi } from 'vitest'
import { createApp, defineComponent, h } from 'vue'
import { createMemoryHistory, createRouter, RouterView } from 'vue-router'
import { authGuard, createTokenlife, redirectCallback, useAuth, type AuthClient, type UseAuthReturn } from '../index'
import { passTime, setup } from './setup'

function fakeOAuth(callback: () => Promise<{ returnTo: string }> = async () => ({ returnTo: '/account' })) {
  return {
    loginWithRedirect: vi.fn<RedirectLogin['loginWithRedirect']>(async () => {}),
    handleRedirectCallback: vi.fn<RedirectLogin['handleRedirectCallback']>(callback),
    logout: vi.fn<RedirectLogin['logout']>(async () => {}),
  }
}

/** Mounts a component that hands out what useAuth() returns. */
function mountUseAuth(auth: AuthClient, oauth?: RedirectLogin) {
  let seen: UseAuthReturn | undefined
  const app = createApp(defineComponent({ setup: () => ((seen = useAuth()), () => h('p')) }))
  app.use(createTokenlife(auth, oauth ? { oauth } : {})).mount(document.createElement('div'))
  return { app, seen: () => seen! }
}

const Page = (name: string) => ({ render: () => h('p', name) })

describe('useAuth() with an OAuth client', () => {
  it('gives the ID token’s claims as `user`; loginWithRedirect() and logout() go to the OAuth client', async () => {
    const { env, server, auth } = setup()
    const oauth = fakeOAuth()
    const { app, seen } = mountUseAuth(auth, oauth)
    await passTime(env)
    const idToken = mintJwt({ sub: 'ada', name: 'Ada Lovelace', aud: 'spa', iat: 1, exp: 4_000_000_000 })
    const { accessToken, refreshToken } = server.issueSession()
    auth.setTokens({ accessToken, refreshToken, idToken })
    expect(seen().user.value).toMatchObject({ sub: 'ada', name: 'Ada Lovelace' })
    expect(seen().idToken.value).toBe(idToken)
    await seen().loginWithRedirect({ returnTo: '/x' })
    await seen().logout({ returnTo: '/bye' })
    expect(oauth.loginWithRedirect).toHaveBeenCalledWith({ returnTo: '/x' })
    expect(oauth.logout).toHaveBeenCalledWith({ returnTo: '/bye' })
    app.unmount()
  })

  it('without an OAuth client, loginWithRedirect() rejects with an error that names the fix', async () => {
    const { auth } = setup()
    const { app, seen } = mountUseAuth(auth)
    await expect(seen().loginWithRedirect()).rejects.toThrow(/createTokenlife\(oauth.auth, \{ oauth \}\)/)
    app.unmount()
  })
})

describe('authGuard(auth, { loginWithRedirect: oauth }) and redirectCallback(oauth)', () => {
  function routerApp(auth: AuthClient, oauth: RedirectLogin, onError?: (error: unknown) => string) {
    const router = createRouter({
      history: createMemoryHistory(),
      routes: [
        { path: '/', component: Page('home') },
        { path: '/account', component: Page('account'), meta: { requiresAuth: true } },
        { path: '/callback', component: Page('callback'), beforeEnter: redirectCallback(oauth, onError ? { onError } : {}) },
        { path: '/oops', component: Page('oops') },
      ],
    })
    router.beforeEach(authGuard(auth, { loginWithRedirect: oauth, redirectTo: '/' }))
    createApp({ render: () => h(RouterView) }).use(createTokenlife(auth, { oauth })).use(router).mount(document.createElement('div'))
    return router
  }

  it('sends a visitor without a session to the provider, back to the route they asked for, and stays put', async () => {
    const { env, auth } = setup()
    const oauth = fakeOAuth()
    const router = routerApp(auth, oauth)
    await router.push('/')
    const navigation = router.push('/account?tab=2')
    await passTime(env)
    await navigation
    expect(oauth.loginWithRedirect).toHaveBeenCalledWith({ returnTo: '/account?tab=2' })
    expect(router.currentRoute.value.fullPath).toBe('/')
  })

  it('lets a signed-in user through without asking the provider', async () => {
    const { env, server, auth } = setup()
    server.issueSession()
    const oauth = fakeOAuth()
    const router = routerApp(auth, oauth)
    const navigation = router.push('/account')
    await passTime(env)
    await navigation
    expect(router.currentRoute.value.fullPath).toBe('/account')
    expect(oauth.loginWithRedirect).not.toHaveBeenCalled()
  })

  it('the callback route finishes the sign-in and goes on to returnTo; a refusal goes to onError', async () => {
    const { env, server, auth } = setup()
    server.issueSession()
    const router = routerApp(auth, fakeOAuth())
    const navigation = router.push('/callback?code=c&state=s')
    await passTime(env)
    await navigation
    expect(router.currentRoute.value.fullPath).toBe('/account')

    const refusing = routerApp(auth, fakeOAuth(() => Promise.reject(new Error('replayed'))), () => '/oops')
    await refusing.push('/callback?code=c&state=s')
    expect(refusing.currentRoute.value.fullPath).toBe('/oops')
  })

  it('without onError a refused callback fails the navigation with the error', async () => {
    const { auth } = setup()
    const router = routerApp(auth, fakeOAuth(() => Promise.reject(new Error('replayed'))))
    await expect(router.push('/callback?state=s')).rejects.toThrow('replayed')
  })
})

import { describe, expect, it } from 'vitest'
import { createApp, h } from 'vue'
import { createMemoryHistory, createRouter, RouterView } from 'vue-router'
import { authGuard, createTokenlife, type AuthClient } from '../index'
import { passTime, setup } from './setup'

const Page = (name: string) => ({ render: () => h('p', name) })

/** An app with a public home, a login page and a private area (meta on the parent, inherited by the child). */
function createRouterApp(auth: AuthClient) {
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/', component: Page('home') },
      { path: '/login', component: Page('login') },
      { path: '/account', meta: { requiresAuth: true }, children: [{ path: 'settings', component: Page('settings') }] },
    ],
  })
  router.beforeEach(authGuard(auth, { redirectTo: (to) => ({ path: '/login', query: { redirect: to.fullPath } }) }))
  const app = createApp({ render: () => h(RouterView) }).use(createTokenlife(auth)).use(router)
  app.mount(document.createElement('div'))
  return { app, router, path: () => router.currentRoute.value.fullPath }
}

describe('authGuard()', () => {
  it('waits while the client is initializing, through a transient failure, then lets a signed-in user in', async () => {
    const { env, server, auth } = setup()
    server.issueSession()
    server.respondNextRefresh(() => new Response(null, { status: 503 }))
    const { app, router, path } = createRouterApp(auth)
    let arrived = false
    void router.push('/account/settings').then(() => (arrived = true))

    await passTime(env, 200) // the first refresh failed; the client retries in about a second
    expect(auth.getState()).toMatchObject({ status: 'initializing', error: expect.any(Error) })
    expect(arrived).toBe(false)
    expect(path()).toBe('/')

    await passTime(env, 5_000)
    expect(server.stats.refreshRequests).toBe(2)
    expect(arrived).toBe(true)
    expect(path()).toBe('/account/settings')
    app.unmount()
  })

  it('does not wait forever on a misconfigured client (ConfigurationError at start): it redirects', async () => {
    const { env, server, auth } = setup()
    server.issueSession()
    server.respondNextRefresh(() => Response.json({ error: 'invalid_client' }, { status: 401 }))
    const { app, router, path } = createRouterApp(auth)
    const navigation = router.push('/account/settings')
    await passTime(env)
    await navigation
    expect(auth.getState()).toMatchObject({ status: 'initializing', error: { name: 'ConfigurationError' } })
    expect(path()).toBe('/login?redirect=/account/settings')
    expect(server.stats.refreshRequests).toBe(1)
    app.unmount()
  })

  it('redirects a user without a session, carrying where they wanted to go', async () => {
    const { env, auth } = setup()
    const { app, router, path } = createRouterApp(auth)
    const navigation = router.push('/account/settings')
    await passTime(env)
    await navigation
    expect(path()).toBe('/login?redirect=/account/settings')
    app.unmount()
  })

  it('does not hold up routes that need no session', async () => {
    const { env, server, auth } = setup()
    server.respondNextRefresh(() => new Promise<Response>(() => {})) // the start never answers
    const { app, router, path } = createRouterApp(auth)
    await router.push('/login')
    expect(path()).toBe('/login')
    expect(auth.getState().status).toBe('initializing')
    await passTime(env, 0)
    app.unmount()
  })

  it('redirects again after a logout, on the next navigation', async () => {
    const { env, server, auth } = setup()
    server.issueSession()
    const { app, router, path } = createRouterApp(auth)
    const first = router.push('/account/settings')
    await passTime(env)
    await first
    expect(path()).toBe('/account/settings')

    await auth.logout()
    await router.push('/')
    await router.push('/account/settings')
    expect(path()).toBe('/login?redirect=/account/settings')
    app.unmount()
  })
})

import { describe, expect, it } from 'vitest'
import { createApp, h } from 'vue'
import { createMemoryHistory, createRouter, RouterView, type NavigationGuardWithThis } from 'vue-router'
import { authGuard, createTokenlife, type AuthClient } from '../index'
import { passTime, setup } from './setup'

const Page = (name: string) => ({ render: () => h('p', name) })

/** An app with a public home, a login page and a private area (meta on the parent, inherited by the child). */
function createRouterApp(
  auth: AuthClient,
  guard: NavigationGuardWithThis<undefined> = authGuard(auth, {
    redirectTo: (to) => ({ path: '/login', query: { redirect: to.fullPath } }),
  }),
) {
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/', component: Page('home') },
      { path: '/login', component: Page('login') },
      { path: '/account', meta: { requiresAuth: true }, children: [{ path: 'settings', component: Page('settings') }] },
    ],
  })
  router.beforeEach(guard)
  const root = document.createElement('div')
  const app = createApp({ render: () => h(RouterView) }).use(createTokenlife(auth)).use(router)
  app.mount(root)
  return { app, router, root, path: () => router.currentRoute.value.fullPath }
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

  it('denies by default: without redirectTo a user without a session is kept out (the navigation is cancelled)', async () => {
    for (const guardOf of [
      (auth: AuthClient) => authGuard(auth, {}),
      (auth: AuthClient) => authGuard(auth),
      (auth: AuthClient) => authGuard(auth, { redirectTo: undefined }),
      (auth: AuthClient) => authGuard(auth, { redirectTo: () => undefined }),
      (auth: AuthClient) => authGuard(auth, { redirectTo: () => null }),
    ]) {
      const { env, auth } = setup()
      const { app, router, root, path } = createRouterApp(auth, guardOf(auth) as NavigationGuardWithThis<undefined>)
      await router.push('/')
      expect(root.textContent).toBe('home')

      const navigation = router.push('/account/settings')
      await passTime(env)
      const failure = await navigation
      expect(auth.getState().status).toBe('unauthenticated')
      expect(failure).toBeInstanceOf(Error) // vue-router's NavigationFailure: aborted by the guard
      expect(path()).toBe('/')
      expect(root.textContent).toBe('home') // the protected page never rendered
      app.unmount()
    }
  })

  it('without redirectTo still lets a signed-in user through', async () => {
    const { env, server, auth } = setup()
    server.issueSession()
    const { app, router, root, path } = createRouterApp(auth, authGuard(auth))
    const navigation = router.push('/account/settings')
    await passTime(env)
    expect(await navigation).toBeUndefined()
    expect(path()).toBe('/account/settings')
    expect(root.textContent).toBe('settings')
    app.unmount()
  })

  it('rejects a missing client, a non-object options and a non-function requiresAuth with a TypeError', () => {
    const { auth } = setup()
    const call = (...args: unknown[]) => () => (authGuard as (...a: unknown[]) => unknown)(...args)
    expect(call(undefined)).toThrow(TypeError)
    expect(call(undefined)).toThrow(/^tokenlife: authGuard\(client, options\) needs the client .* got undefined/)
    expect(call({ redirectTo: '/login' })).toThrow(/got an object that is not an AuthClient/)
    expect(call(auth, '/login')).toThrow(/tokenlife: authGuard\(auth, options\): options must be an object .* got string \/login/)
    expect(call(auth, { requiresAuth: true })).toThrow(/requiresAuth must be a function .* got boolean true/)
  })
})

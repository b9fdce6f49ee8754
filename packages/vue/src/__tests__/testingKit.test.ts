// The binding in every session state, through @tokenlife/testing (the kit's scripted client runs the real engine;
// its createTestTokenlife() installs this package's plugin): so the kit is exercised on every run too.
import { createTestAuthClient, testSessionStates, type TestSessionState } from '@tokenlife/testing'
import { createTestTokenlife } from '@tokenlife/testing/vue'
import { flushPromises, mount } from '@vue/test-utils'
import { describe, expect, it } from 'vitest'
import { defineComponent, h } from 'vue'
import { createMemoryHistory, createRouter, RouterView } from 'vue-router'
import { authGuard, useAuth } from '../index'

const Probe = defineComponent({
  setup() {
    const { status, reason, error, isAuthenticated, isLoading } = useAuth()
    return () => h('p', `${status.value}|${reason.value ?? ''}|${error.value?.name ?? ''}|${isAuthenticated.value}|${isLoading.value}`)
  },
})

const refs: Record<TestSessionState, string> = {
  'signed-in': 'authenticated|||true|false',
  offline: 'authenticated||NetworkError|true|false',
  unavailable: 'authenticated||ServerError|true|false',
  'signed-out': 'unauthenticated|no_session||false|false',
  revoked: 'unauthenticated|revoked||false|false',
  'logged-out': 'unauthenticated|logout||false|false',
  misconfigured: 'initializing||ConfigurationError|false|true',
  loading: 'initializing|||false|true',
  'loading-offline': 'initializing||NetworkError|false|true',
}

function app(plugin: Awaited<ReturnType<typeof createTestTokenlife>>) {
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/', component: { render: () => h('p', 'home') } },
      { path: '/login', component: { render: () => h('p', 'login') } },
      { path: '/account', component: { render: () => h('p', 'account') }, meta: { requiresAuth: true } },
    ],
  })
  router.beforeEach(authGuard(plugin.client.auth, { redirectTo: '/login' }))
  mount(RouterView, { global: { plugins: [plugin, router] } })
  return router
}

describe('the binding in every state (@tokenlife/testing)', () => {
  it.each(testSessionStates)('useAuth() refs in %s', async (state) => {
    const wrapper = mount(Probe, { global: { plugins: [await createTestTokenlife({ state })] } })
    expect(wrapper.text()).toBe(refs[state])
  })

  it('authGuard() lets a session through (also one kept offline) and redirects everything else', async () => {
    for (const state of ['signed-in', 'offline', 'signed-out', 'revoked', 'misconfigured'] as const) {
      const router = app(await createTestTokenlife({ state }))
      await router.push('/account')
      expect([state, router.currentRoute.value.fullPath]).toEqual([state, state === 'signed-in' || state === 'offline' ? '/account' : '/login'])
    }
  })

  it('authGuard() waits while the client is loading, and decides when its first refresh is answered', async () => {
    const session = await createTestAuthClient({ state: 'loading' })
    const router = app(await createTestTokenlife(session))
    let settled = false
    const navigation = router.push('/account').then(() => {
      settled = true
    })
    await session.advance(5_000)
    expect(settled).toBe(false) // a reload must not bounce a signed-in user to the login page
    await session.finishLoading()
    await navigation
    expect(router.currentRoute.value.fullPath).toBe('/account')
  })

  it('follows the engine when the session ends in another tab', async () => {
    const tokenlife = await createTestTokenlife({ state: 'signed-in' })
    const wrapper = mount(Probe, { global: { plugins: [tokenlife] } })
    await tokenlife.client.signOutInAnotherTab()
    await flushPromises()
    expect(wrapper.text()).toBe('unauthenticated|logout||false|false')
  })
})

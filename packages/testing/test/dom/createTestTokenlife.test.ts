import { mount, flushPromises } from '@vue/test-utils'
import { authGuard, createAuthClient, isNetworkError, useAuth } from '@tokenlife/vue'
import { describe, expect, it } from 'vitest'
import { createRouter, createMemoryHistory, RouterView } from 'vue-router'
import { defineComponent, h } from 'vue'
import { testSessionStates } from '../../src/index'
import { createTestTokenlife } from '../../src/vue'
import { shown } from './shown'

/** What an app's account widget shows in each state. */
const Account = defineComponent({
  setup() {
    const { status, reason, error, claims } = useAuth()
    return () => {
      if (status.value === 'initializing') return h('p', isNetworkError(error.value) ? 'Waiting for the network…' : error.value ? 'Sign-in is unavailable' : 'Loading…')
      if (status.value === 'unauthenticated') return h('p', reason.value === 'revoked' ? 'Your session has ended' : reason.value === 'logout' ? 'You signed out' : 'Please sign in')
      const trouble = isNetworkError(error.value) ? 'You are offline' : error.value ? 'The server is busy' : undefined
      return h('div', [h('p', `Signed in as ${String(claims.value?.name)}`), trouble && h('p', trouble)])
    }
  },
})


describe('createTestTokenlife()', () => {
  it.each(testSessionStates)('mounts the app in %s: the first render is in that state', async (state) => {
    const wrapper = mount(Account, { global: { plugins: [await createTestTokenlife({ state })] } })
    expect(wrapper.findAll('p').map((line) => line.text())).toContain(shown[state])
  })

  it('follows what the test scripts on plugin.client', async () => {
    const tokenlife = await createTestTokenlife({ accessTokenTtl: 60 })
    const wrapper = mount(Account, { global: { plugins: [tokenlife] } })
    await tokenlife.client.setState('offline')
    await flushPromises()
    expect(wrapper.text()).toBe('Signed in as Ada LovelaceYou are offline')
    tokenlife.client.revokeSession()
    await tokenlife.client.goOnline()
    await tokenlife.client.advance(1_000) // the failed refresh's retry, after its backoff: refused
    await flushPromises()
    expect(wrapper.text()).toBe('Your session has ended')
  })

  it("guards routes with the real authGuard() on the plugin's client", async () => {
    for (const [state, landed] of [['signed-in', '/account'], ['revoked', '/login']] as const) {
      const tokenlife = await createTestTokenlife({ state })
      const router = createRouter({
        history: createMemoryHistory(),
        routes: [
          { path: '/', component: { render: () => h('p', 'home') } },
          { path: '/login', component: { render: () => h('p', 'login') } },
          { path: '/account', component: Account, meta: { requiresAuth: true } },
        ],
      })
      router.beforeEach(authGuard(tokenlife.client.auth, { redirectTo: '/login' }))
      mount(RouterView, { global: { plugins: [tokenlife, router] } })
      await router.push('/account')
      expect(router.currentRoute.value.fullPath).toBe(landed)
    }
  })

  it('refuses an AuthClient with a coded TypeError', async () => {
    const auth = createAuthClient({ refreshUrl: 'http://localhost/auth/refresh' })
    await expect(createTestTokenlife(auth as never)).rejects.toMatchObject({ code: 'TL809', name: 'TypeError' })
  })
})

// The demo app's screens in each session state, with @tokenlife/testing: the kit's scripted client (the real
// engine, a mock of the reference server's contract) behind the app's own components, routes and guard.
import { authGuard } from '@tokenlife/vue'
import { createTestTokenlife } from '@tokenlife/testing/vue'
import type { TestSessionState } from '@tokenlife/testing'
import { flushPromises, mount } from '@vue/test-utils'
import { http, HttpResponse } from 'msw'
import { setupServer } from 'msw/node'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createMemoryHistory, createRouter } from 'vue-router'
import App from './App.vue'
import { routes } from './router'

type Plugin = Awaited<ReturnType<typeof createTestTokenlife>>
let current: Plugin | undefined
// The protected API, as examples/server answers it: 200 for a valid access token, 401 otherwise.
const api = setupServer(
  http.get('*/api/data', ({ request }) => {
    const check = current!.client.server.verify(request)
    return check.ok ? HttpResponse.json({ message: `hello ${String(check.claims.email)}` }) : check.response
  }),
)
beforeAll(() => api.listen({ onUnhandledRequest: 'error' }))
afterEach(() => current?.client.destroy())
afterAll(() => api.close())

const user = { email: 'demo@tokenlife.dev', password: 'demo-password', claims: { name: 'Demo User' } }

/** The app at `/`, on a router of its own guarded by the scripted client, as main.ts and router.ts set it up. */
async function mountApp(state: TestSessionState) {
  current = await createTestTokenlife({ state, user, client: { refreshUrl: '/auth/refresh', loginUrl: '/auth/login', logoutUrl: '/auth/logout' } })
  const router = createRouter({ history: createMemoryHistory(), routes })
  router.beforeEach(authGuard(current.client.auth, { redirectTo: { path: '/login' } }))
  const wrapper = mount(App, { global: { plugins: [current, router] } })
  await router.push('/')
  await flushPromises()
  return { wrapper, router, session: current.client }
}

describe('the Vue demo app, state by state', () => {
  it('signed out: the guard sends the visitor to the sign-in page', async () => {
    const { wrapper, router } = await mountApp('signed-out')
    expect(router.currentRoute.value.path).toBe('/login')
    expect(wrapper.get('[data-testid=signed-out-reason]').attributes('data-reason')).toBe('no_session')
  })

  it('signed in: the dashboard, and the protected API answering 200 through createAuthHttp', async () => {
    const { wrapper, router } = await mountApp('signed-in')
    expect(router.currentRoute.value.path).toBe('/')
    expect(wrapper.get('[data-testid=user-email]').text()).toBe(user.email)
    await wrapper.get('[data-testid=api-call]').trigger('click')
    await expect.poll(async () => (await flushPromises(), wrapper.find('[data-testid=api-status]').attributes('data-status'))).toBe('200')
  })

  it('revoked: the sign-in page says the server ended the session', async () => {
    const { wrapper, router } = await mountApp('revoked')
    expect(router.currentRoute.value.path).toBe('/login')
    expect(wrapper.get('[data-testid=signed-out-reason]').attributes('data-reason')).toBe('revoked')
  })

  it('offline: the dashboard stays, with the failed refresh shown', async () => {
    const { wrapper } = await mountApp('offline')
    expect(wrapper.get('[data-testid=status-pill]').attributes('data-status')).toBe('authenticated')
    expect(wrapper.get('[data-testid=session-error]').text()).toMatch(/Retrying; the session is kept\./)
  })

  it('a logout in another tab takes this tab to the sign-in page', async () => {
    const { wrapper, router, session } = await mountApp('signed-in')
    await session.signOutInAnotherTab()
    await flushPromises()
    expect(router.currentRoute.value.path).toBe('/login')
    expect(wrapper.get('[data-testid=signed-out-reason]').attributes('data-reason')).toBe('logout')
  })
})

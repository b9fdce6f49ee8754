// @vitest-environment node
import { describe, expect, it, vi } from 'vitest'
import { createSSRApp, defineComponent, h } from 'vue'
import { renderToString } from 'vue/server-renderer'
import { authGuard, createAuthClient, createTokenlife, useAuth } from '../index'

const Header = defineComponent({
  setup() {
    const { status, isLoading } = useAuth()
    return () => h('header', `${status.value}:${String(isLoading.value)}`)
  },
})

describe('server-side rendering', () => {
  it('renders to a string without `window`, as `initializing`, and never starts or subscribes to the client', async () => {
    expect(typeof window).toBe('undefined')
    const fetch = vi.fn<typeof globalThis.fetch>()
    // The real browser environment (only `fetch` spied on): installing and rendering must not touch browser globals.
    const auth = createAuthClient({ refreshUrl: 'https://auth.test/auth/refresh', environment: { fetch } })
    const subscribe = vi.spyOn(auth, 'subscribe')
    const start = vi.spyOn(auth, 'start')

    const html = await renderToString(createSSRApp(Header).use(createTokenlife(auth)))

    expect(html).toBe('<header>initializing:true</header>')
    expect(start).not.toHaveBeenCalled()
    expect(subscribe).not.toHaveBeenCalled()
    expect(fetch).not.toHaveBeenCalled()
  })

  it('renders `initializing` even when the client holds a session, as the browser will on hydration', async () => {
    const auth = createAuthClient({ refreshUrl: 'https://auth.test/auth/refresh', environment: { fetch: vi.fn() } })
    auth.setTokens({ accessToken: 'opaque-token', expiresIn: 300 })
    const html = await renderToString(createSSRApp(Header).use(createTokenlife(auth)))
    expect(html).toBe('<header>initializing:true</header>')
    auth.destroy()
  })

  it('the guard lets navigations through on the server without starting the client', async () => {
    const fetch = vi.fn<typeof globalThis.fetch>()
    const auth = createAuthClient({ refreshUrl: 'https://auth.test/auth/refresh', environment: { fetch } })
    const guard = authGuard(auth, { redirectTo: '/login' })
    await expect(guard({ fullPath: '/account', meta: { requiresAuth: true } })).resolves.toBe(true)
    expect(fetch).not.toHaveBeenCalled()
    expect(auth.getState().status).toBe('initializing')
  })
})

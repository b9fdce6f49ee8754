import { mount } from '@vue/test-utils'
import { describe, expect, it, vi } from 'vitest'
import { createApp, defineComponent, effectScope, h, isReadonly, nextTick, ref } from 'vue'
import { createTokenlife, isLoginError, useAuth, type UseAuthReturn } from '../index'
import { passTime, setup, Status } from './setup'

describe('useAuth()', () => {
  it('renders sign-in, refresh and sign-out', async () => {
    const { env, server, auth } = setup()
    const SignIn = defineComponent({
      setup() {
        const { isAuthenticated, login, logout } = useAuth()
        return () =>
          isAuthenticated.value
            ? h('button', { onClick: () => void logout() }, 'sign out')
            : h('button', { onClick: () => void login({ username: 'ada', password: 'secret' }) }, 'sign in')
      },
    })
    const wrapper = mount({ render: () => [h(Status), h(SignIn)] }, { global: { plugins: [createTokenlife(auth)] } })
    await passTime(env)
    expect(wrapper.get('p').text()).toBe('unauthenticated|no_session|')

    await wrapper.get('button').trigger('click')
    await passTime(env)
    expect(server.stats.loginRequests).toBe(1)
    expect(wrapper.get('p').text()).toBe('authenticated||at-1')

    await passTime(env, 50_000) // the scheduled refresh
    expect(server.stats.refreshRequests).toBe(2) // the start, and this one
    expect(wrapper.get('p').text()).toBe('authenticated||at-2')

    await wrapper.get('button').trigger('click')
    expect(wrapper.get('p').text()).toBe('unauthenticated|logout|') // at once, before the server answers
    await passTime(env)
    expect(server.stats.logouts).toHaveLength(1)
    wrapper.unmount()
  })

  it('renders a logout made in another tab', async () => {
    const { env, server, auth, openTab } = setup()
    server.issueSession()
    const wrapper = mount(Status, { global: { plugins: [createTokenlife(auth)] } })
    await passTime(env)
    expect(wrapper.text()).toBe('authenticated||at-2')

    const otherTab = openTab()
    void otherTab.auth.start() // its app starts it; it takes the session from this tab, not the server
    await passTime(env)
    await otherTab.auth.logout()
    await passTime(env)
    expect(wrapper.text()).toBe('unauthenticated|logout|')
    expect(server.stats.refreshRequests).toBe(1)
    expect(server.stats.logouts).toHaveLength(1)
    wrapper.unmount()
  })

  it('returns readonly refs and bound actions', async () => {
    const { env, server, auth } = setup()
    server.issueSession()
    let result: UseAuthReturn | undefined
    mount(
      defineComponent({
        setup() {
          result = useAuth()
          return () => null
        },
      }),
      { global: { plugins: [createTokenlife(auth)] } },
    )
    const { state, status, isAuthenticated, isLoading, accessToken, claims, expiresAt, sessionEndsAt, reason, error } = result!
    for (const field of [state, status, isAuthenticated, isLoading, accessToken, claims, expiresAt, sessionEndsAt, reason, error]) {
      expect(isReadonly(field)).toBe(true)
    }
    expect([status.value, isLoading.value, isAuthenticated.value]).toEqual(['initializing', true, false])
    await passTime(env)
    expect([status.value, isLoading.value, isAuthenticated.value]).toEqual(['authenticated', false, true])
    expect(state.value).toBe(auth.getState())
    expect(accessToken.value).toBe(server.stats.issued[1])
    expect(claims.value).toMatchObject({ sub: 'user-1', jti: 'at-2' })
    expect(expiresAt.value).toBe(auth.getState().expiresAt)
    expect(sessionEndsAt.value).toBeUndefined() // the fake server does not say when the session ends
    auth.setTokens({ accessToken: server.stats.issued[1]!, refreshExpiresIn: 3_600 })
    expect(sessionEndsAt.value).toBe(env.now() + 3_600_000)
    await expect(result!.getAccessToken()).resolves.toBe(server.stats.issued[1])

    const refused = result!.login({ username: 'ada', password: 'wrong' }).catch((caught: unknown) => caught)
    await passTime(env)
    expect(isLoginError(await refused)).toBe(true)

    await result!.logout()
    expect([status.value, reason.value, accessToken.value]).toEqual(['unauthenticated', 'logout', undefined])
  })

  it('unsubscribes when its component unmounts or its effect scope stops', async () => {
    const { env, server, auth, subscriptions } = setup()
    server.issueSession()
    const shown = ref(true)
    const wrapper = mount({ render: () => (shown.value ? h(Status) : null) }, { global: { plugins: [createTokenlife(auth)] } })
    await passTime(env)
    expect(subscriptions()).toBe(1)
    shown.value = false
    await nextTick()
    expect(subscriptions()).toBe(0)
    expect(auth.getState().status).toBe('authenticated') // the client lives on with the app

    const app = createApp({ render: () => null }).use(createTokenlife(auth))
    const scope = effectScope()
    const status = app.runWithContext(() => scope.run(() => useAuth().status))!
    expect(subscriptions()).toBe(1)
    expect(status.value).toBe('authenticated')
    scope.stop()
    expect(subscriptions()).toBe(0)
    wrapper.unmount()
  })

  it('without the plugin throws an error that says how to fix it', () => {
    const silence = vi.spyOn(console, 'warn').mockImplementation(() => {})
    expect(() => mount(Status)).toThrow(/app\.use\(createTokenlife\(auth\)\)/)
    expect(() => useAuth()).toThrow(/inside setup\(\)/)
    silence.mockRestore()
  })
})

import { mount } from '@vue/test-utils'
import { describe, expect, it } from 'vitest'
import { createApp, h } from 'vue'
import { createTokenlife } from '../index'
import { passTime, setup, Status } from './setup'

describe('createTokenlife()', () => {
  it('provides the client and starts it in the browser', async () => {
    const { env, server, auth } = setup()
    server.issueSession()
    const wrapper = mount(Status, { global: { plugins: [createTokenlife(auth)] } })
    expect(wrapper.text()).toBe('initializing||')
    await passTime(env)
    expect(server.stats.refreshRequests).toBe(1)
    expect(wrapper.text()).toBe('authenticated||at-2')
    wrapper.unmount()
  })

  it('releases every timer, listener, channel and subscription on app.unmount()', async () => {
    const { env, server, auth, hub, subscriptions } = setup()
    server.issueSession()
    const wrapper = mount(Status, { global: { plugins: [createTokenlife(auth)] } })
    await passTime(env)
    expect([env.pendingTimers, env.wakeListenerCount, hub.openPorts, subscriptions()]).toEqual([1, 1, 1, 1])

    wrapper.unmount()
    expect([env.pendingTimers, env.wakeListenerCount, hub.openPorts, subscriptions()]).toEqual([0, 0, 0, 0])
    await expect(auth.getAccessToken()).rejects.toThrow(/destroyed/)
    await passTime(env, 120_000)
    expect(server.stats.refreshRequests).toBe(1)
  })

  it('cleans up on Vue before 3.5 too (no app.onUnmount)', async () => {
    const { env, server, auth } = setup()
    server.issueSession()
    const app = createApp({ render: () => h(Status) })
    Object.defineProperty(app, 'onUnmount', { value: undefined })
    app.use(createTokenlife(auth)).mount(document.createElement('div'))
    await passTime(env)
    expect(env.pendingTimers).toBe(1)
    app.unmount()
    expect([env.pendingTimers, env.wakeListenerCount]).toEqual([0, 0])
  })
})

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

  it('never destroys the client it was given: after app.unmount() it keeps its session, and the next app uses it', async () => {
    const { env, server, auth, hub, subscriptions } = setup()
    server.issueSession()
    const running = () => [env.pendingTimers, env.wakeListenerCount, hub.openPorts, subscriptions()]
    const first = mount(Status, { global: { plugins: [createTokenlife(auth)] } })
    await passTime(env)
    expect(running()).toEqual([1, 1, 1, 1]) // the refresh timer, wake-ups, the channel, the component

    first.unmount()
    expect(running()).toEqual([1, 1, 1, 0]) // only the component's subscription ends
    await passTime(env, 50_000) // the client still refreshes on schedule
    expect(server.stats.refreshRequests).toBe(2)
    await expect(auth.getAccessToken()).resolves.toBe(server.stats.issued[2])

    const second = mount(Status, { global: { plugins: [createTokenlife(auth)] } })
    expect(second.text()).toBe('authenticated||at-3') // at once: the client is already started
    await passTime(env)
    expect(server.stats.refreshRequests).toBe(2)
    second.unmount()

    auth.destroy() // the app created the client, so the app releases it
    expect(running()).toEqual([0, 0, 0, 0])
  })

  it('two apps given one client: unmounting one leaves the other rendering the session', async () => {
    const { env, server, auth } = setup()
    server.issueSession()
    const mountApp = () => {
      const root = document.createElement('div')
      const app = createApp({ render: () => h(Status) }).use(createTokenlife(auth))
      app.mount(root)
      return { app, root }
    }
    const one = mountApp()
    const other = mountApp()
    await passTime(env)
    expect(server.stats.refreshRequests).toBe(1) // start() is idempotent
    one.app.unmount()
    await passTime(env, 50_000)
    expect(other.root.textContent).toBe('authenticated||at-3')
    other.app.unmount()
    auth.destroy()
  })
})

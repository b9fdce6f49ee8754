import { mount } from '@vue/test-utils'
import { untilIdleWarning } from '@tokenlife/test-utils'
import { describe, expect, it } from 'vitest'
import { computed, createSSRApp, defineComponent, h, isReadonly } from 'vue'
import { renderToString } from 'vue/server-renderer'
import { createTokenlife, idleTimeout, useAuth, useIdle, type AuthClient, type UseIdleReturn } from '../index'
import { passTime, setup } from './setup'

const minute = 60_000

/** The dialog an app renders: "you will be signed out in m:ss", with a button that keeps the session. */
const IdleDialog = defineComponent({
  setup() {
    const { status: idle, remainingMs, stillHere } = useIdle()
    const { status, reason } = useAuth()
    const countdown = computed(() => {
      const seconds = Math.ceil((remainingMs.value ?? 0) / 1000)
      return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`
    })
    return () =>
      idle.value === 'warning'
        ? h('div', { role: 'dialog' }, [`You will be signed out in ${countdown.value}`, h('button', { onClick: stillHere }, 'Stay signed in')])
        : h('p', { 'data-testid': 'session' }, `${status.value}|${reason.value ?? ''}`)
  },
})

/** A component that only calls `useIdle()`, mounted with the plugin; `result` is what it returned. */
function mountProbe(auth: AuthClient) {
  let result: UseIdleReturn | undefined
  const wrapper = mount(
    defineComponent({
      setup() {
        result = useIdle()
        return () => null
      },
    }),
    { global: { plugins: [createTokenlife(auth)] } },
  )
  return { result: result!, wrapper }
}

describe('useIdle()', () => {
  it('counts down in a dialog warnMs before the idle timeout; stillHere() closes it; without activity every tab signs out', async () => {
    const { env, auth, server } = setup({ idle: idleTimeout({ timeoutMs: 5 * minute, warnMs: minute }) })
    server.issueSession()
    const wrapper = mount(IdleDialog, { global: { plugins: [createTokenlife(auth)] } })
    await passTime(env)
    expect(wrapper.get('[data-testid=session]').text()).toBe('authenticated|')
    await passTime(env, 4 * minute)
    expect(wrapper.get('[role=dialog]').text()).toContain('You will be signed out in 1:00')
    await passTime(env, 1_000)
    expect(wrapper.get('[role=dialog]').text()).toContain('You will be signed out in 0:59')
    await wrapper.get('button').trigger('click')
    await passTime(env, 0)
    expect(wrapper.find('[role=dialog]').exists()).toBe(false)
    await passTime(env, 5 * minute)
    expect(wrapper.get('[data-testid=session]').text()).toBe('unauthenticated|idle')
    wrapper.unmount()
  })

  it("returns readonly refs; 'off' without an idle timeout", async () => {
    const { env, auth, server } = setup()
    server.issueSession()
    const { result, wrapper } = mountProbe(auth)
    await passTime(env, 10 * minute)
    const { state, status, remainingMs, deadline } = result
    for (const field of [state, status, remainingMs, deadline]) expect(isReadonly(field)).toBe(true)
    expect([status.value, remainingMs.value, deadline.value]).toEqual(['off', undefined, undefined])
    expect(result.stillHere).toBe(auth.stillHere)
    wrapper.unmount()
  })

  it('unsubscribes when its component unmounts', async () => {
    const { env, auth, server } = setup({ idle: idleTimeout({ timeoutMs: 5 * minute, warnMs: minute }) })
    server.issueSession()
    const { result, wrapper } = mountProbe(auth)
    await passTime(env)
    expect(result.status.value).toBe('active')
    wrapper.unmount()
    await passTime(env, 4 * minute + 1_000)
    expect(auth.idle.getState().status).toBe('warning')
    expect(result.status.value).toBe('active')
  })

  it("renders 'off' on the server, even when a warning is up", async () => {
    const { env, auth, server } = setup({ idle: idleTimeout({ timeoutMs: 5 * minute, warnMs: minute }) })
    server.issueSession()
    await untilIdleWarning(env, auth)
    const Status = defineComponent({ setup: () => () => h('p', useIdle().status.value) })
    const original = globalThis.window
    // @ts-expect-error: the server has no window
    delete globalThis.window
    try {
      expect(await renderToString(createSSRApp(Status).use(createTokenlife(auth)))).toBe('<p>off</p>')
    } finally {
      globalThis.window = original
    }
  })
})

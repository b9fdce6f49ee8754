import { describe, expect, it } from 'vitest'
import { createApp, createSSRApp, defineComponent, h, nextTick } from 'vue'
import { createTokenlife, useAuth, type AuthClient } from '../index'
import { passTime, setup } from './setup'

const Header = defineComponent({
  setup() {
    const { status, claims } = useAuth()
    return () => h('header', `${status.value}:${String(claims.value?.jti ?? '')}`)
  },
})

/** What the server rendered for Header: `serverState`, whatever the client holds (see ssr.test.ts). */
const serverHtml = '<header>initializing:</header>'

/** Mounts Header on `container` with `create`, collecting what Vue warned about. */
function mount(create: typeof createApp, auth: AuthClient, container: Element) {
  const warnings: string[] = []
  const app = create(Header).use(createTokenlife(auth))
  app.config.warnHandler = (message) => void warnings.push(message)
  app.mount(container)
  return { app, warnings }
}

describe('hydration', () => {
  it('hydrates server HTML without a mismatch, rendering serverState first, then shows the session the browser holds', async () => {
    const { env, server, auth } = setup()
    server.issueSession()
    void auth.start()
    await passTime(env)
    expect(auth.getState().status).toBe('authenticated') // before hydration, unlike the server

    const container = document.createElement('div')
    container.innerHTML = serverHtml
    document.body.append(container)
    const { app, warnings } = mount(createSSRApp, auth, container)
    expect(warnings.filter((warning) => /hydration/i.test(warning))).toEqual([])
    await nextTick()
    expect(container.textContent).toBe('authenticated:at-2')

    // Later changes still reach the hydrated component.
    await auth.logout()
    await nextTick()
    expect(container.textContent).toBe('unauthenticated:')
    app.unmount()
    container.remove()
  })

  it('an app mounted without hydration renders the state the client holds at once', async () => {
    const { env, server, auth } = setup()
    server.issueSession()
    void auth.start()
    await passTime(env)
    const container = document.createElement('div')
    const { app } = mount(createApp, auth, container)
    expect(container.textContent).toBe('authenticated:at-2')
    app.unmount()
  })
})

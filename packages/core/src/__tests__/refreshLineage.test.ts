import { runFor, settle } from '@tokenlife/test-utils'
import { describe, expect, it } from 'vitest'
import { createBrowser } from './tabs'

describe('a refresh continues the newest session any tab published', () => {
  it('cookie mode: a tab that still holds an older session refreshes for the newest one, so its siblings adopt the answer instead of refreshing again', async () => {
    const browser = createBrowser({ mode: 'cookie' })
    const [a, b] = [browser.openTab(), browser.openTab()]
    await settle(browser.env, a.auth.login({ username: 'u', password: 'secret' }))
    await settle(browser.env, b.auth.start())
    expect(b.auth.getState().status).toBe('authenticated')
    // B misses a newer sign-in in A (frozen, its messages lost), then the device sleeps past every token's expiry.
    b.env.freeze()
    b.link.asleep = true
    await settle(browser.env, a.auth.login({ username: 'u', password: 'secret' }))
    browser.env.sleep(5 * 60_000)
    b.link.asleep = false
    // B wakes first and must refresh: A is frozen, so nobody can hand it a token. The cookie is A's newer session's.
    a.env.freeze()
    b.env.thaw()
    b.env.wake('visible')
    await runFor(browser.env, 1_000)
    expect(browser.server.stats.refreshRequests).toBe(1)
    a.env.thaw()
    a.env.wake('visible')
    await runFor(browser.env, 1_000)
    // A takes B's answer: it continues A's own (newest) session. One request, one token in both tabs.
    expect(browser.server.stats.refreshRequests).toBe(1)
    expect(browser.server.stats.reuseDetected).toBe(0)
    expect(a.auth.getState().accessToken).toBe(browser.server.stats.issued.at(-1))
    expect(b.auth.getState().accessToken).toBe(browser.server.stats.issued.at(-1))
  })
})

import { flush, settle } from '@tokenlife/test-utils'
import { describe, expect, it } from 'vitest'
import { createBrowser } from './tabs'

describe('cross-tab coordination', () => {
  it.each(['storage', 'cookie'] as const)('%s mode: five tabs waking together cost one refresh per lifetime', async (mode) => {
    const browser = createBrowser({ mode })
    const { env, server } = browser
    const first = browser.openTab()
    await first.auth.login({ username: 'u', password: 'secret' })
    const tabs = [first, ...Array.from({ length: 4 }, () => browser.openTab())]
    await settle(env, Promise.all(tabs.map((tab) => tab.auth.start())))
    expect(server.stats.refreshRequests).toBe(0)
    expect(tabs.every((tab) => tab.auth.getState().accessToken === first.auth.getState().accessToken)).toBe(true)

    // Every tab sleeps through the lifetime and wakes at the same moment.
    env.sleep(120_000)
    for (const tab of tabs) tab.env.wake('visible')
    await settle(env, Promise.all(tabs.map((tab) => tab.auth.getAccessToken())))

    expect(server.stats.refreshRequests).toBe(1)
    expect(server.stats.reuseDetected).toBe(0)
    expect(browser.locks.maxConcurrentHolders).toBe(1)
    const tokens = new Set(tabs.map((tab) => tab.auth.getState().accessToken))
    expect(tokens.size).toBe(1)
    expect(tokens.has(server.stats.issued.at(-1)!)).toBe(true)
  })

  it('a tab that refreshes shares the new token: the others make no request', async () => {
    const browser = createBrowser()
    const a = browser.openTab()
    await a.auth.login({ username: 'u', password: 'secret' })
    const b = browser.openTab()
    await settle(browser.env, b.auth.start())
    await a.auth.refresh()
    await flush()
    expect(b.auth.getState().accessToken).toBe(a.auth.getState().accessToken)
    expect(browser.server.stats.refreshRequests).toBe(1)
  })

  it('a new tab asks its siblings before the server, and refreshes only when nobody answers', async () => {
    const browser = createBrowser({ mode: 'cookie' })
    const lonely = browser.openTab()
    browser.server.issueSession()
    await settle(browser.env, lonely.auth.start())
    expect(lonely.auth.getState().status).toBe('authenticated')
    expect(browser.server.stats.refreshRequests).toBe(1)

    const second = browser.openTab()
    await settle(browser.env, second.auth.start())
    expect(second.auth.getState().accessToken).toBe(lonely.auth.getState().accessToken)
    expect(browser.server.stats.refreshRequests).toBe(1)
  })

  it.each([true, false])('logout in one tab ends every tab at once (shared storage: %s)', async (sharedStorage) => {
    const browser = createBrowser({ sharedStorage })
    const tabs = [browser.openTab(), browser.openTab(), browser.openTab()]
    await tabs[0]!.auth.login({ username: 'u', password: 'secret' })
    await settle(browser.env, Promise.all(tabs.map((tab) => tab.auth.start())))
    expect(tabs.every((tab) => tab.auth.getState().status === 'authenticated')).toBe(true)

    const loggingOut = tabs[1]!.auth.logout()
    await flush()
    for (const tab of tabs) {
      expect(tab.auth.getState()).toEqual({ status: 'unauthenticated', reason: 'logout' })
      expect(tab.cleanups).toEqual(['logout'])
    }
    await loggingOut
    expect(browser.server.stats.logouts).toHaveLength(1)
    expect(await browser.storage.get('tokenlife:default:refresh_token')).toBeUndefined()
  })

  it('a revocation seen by one tab ends the session in every tab with reason revoked', async () => {
    const browser = createBrowser()
    const [a, b] = [browser.openTab(), browser.openTab()]
    await a.auth.login({ username: 'u', password: 'secret' })
    await settle(browser.env, b.auth.start())
    browser.server.revokeAll()
    await expect(settle(browser.env, a.auth.refresh())).rejects.toMatchObject({ name: 'SessionEndedError', reason: 'revoked' })
    await flush()
    expect(b.auth.getState()).toEqual({ status: 'unauthenticated', reason: 'revoked' })
    expect(b.cleanups).toEqual(['revoked'])
  })

  it('rotation safety: a tab that missed a rotation adopts the newer token instead of ending the session', async () => {
    const browser = createBrowser({ sharedStorage: false })
    const [a, b] = [browser.openTab(), browser.openTab()]
    await a.auth.login({ username: 'u', password: 'secret' })
    await settle(browser.env, b.auth.start())
    // b sleeps through a's refresh and holds the old refresh token; its own storage is not shared.
    b.link.asleep = true
    await a.auth.refresh()
    await flush()
    b.link.asleep = false
    const oldToken = b.auth.getState().accessToken
    expect(oldToken).not.toBe(a.auth.getState().accessToken)

    await settle(browser.env, b.auth.refresh())
    expect(browser.server.stats.reuseDetected).toBe(0)
    expect(b.auth.getState().status).toBe('authenticated')
    expect(b.auth.getState().accessToken).toBe(a.auth.getState().accessToken)
  })

  it('a tab asleep during a logout converges on wake', async () => {
    const browser = createBrowser()
    const [a, b] = [browser.openTab(), browser.openTab()]
    await a.auth.login({ username: 'u', password: 'secret' })
    await settle(browser.env, b.auth.start())
    b.link.asleep = true
    await a.auth.logout()
    await flush()
    expect(b.auth.getState().status).toBe('authenticated')
    b.link.asleep = false
    b.env.wake('visible')
    await flush()
    expect(b.auth.getState()).toEqual({ status: 'unauthenticated', reason: 'logout' })
  })

  it('ignores foreign, malformed and other-version messages without throwing', async () => {
    const browser = createBrowser()
    const a = browser.openTab()
    await a.auth.login({ username: 'u', password: 'secret' })
    const before = a.auth.getState()
    const garbage = [
      null,
      42,
      'logout',
      { type: 'ended', reason: 'logout' },
      { tokenlife: 2, namespace: 'default', from: 'x', type: 'ended', reason: 'logout' },
      { tokenlife: 1, namespace: 'other', from: 'x', type: 'ended', reason: 'logout' },
      { tokenlife: 1, namespace: 'default', from: 'x', type: 'ended', reason: 'nope' },
      { tokenlife: 1, namespace: 'default', from: 'x', type: 'session', session: { accessToken: 5 } },
      { tokenlife: 1, namespace: 'default', from: 'x', type: 'session', session: { accessToken: 'a.b.c', expiresAt: 9e15, lifetimeMs: 1 } },
    ]
    for (const message of garbage) browser.hub.inject('tokenlife:default', message)
    await flush()
    expect(a.auth.getState()).toBe(before)
  })

  it('a holder that hangs is bounded: the next tab takes the lock over and the session goes on', async () => {
    const browser = createBrowser({ mode: 'cookie', timing: { lockTimeoutMs: 2_000 } })
    const [a, b] = [browser.openTab(), browser.openTab()]
    browser.server.issueSession()
    await settle(browser.env, a.auth.start())
    await settle(browser.env, b.auth.start())
    // Someone (a frozen tab) holds the refresh lock forever.
    browser.locks.request('tokenlife:default:refresh', {}, () => new Promise(() => {})).catch(() => {})
    const refreshed = settle(browser.env, b.auth.refresh())
    await expect(refreshed).resolves.toMatchObject({ status: 'authenticated' })
    expect(browser.locks.steals).toBe(1)
    expect(b.env.warnings.some((warning) => warning.includes('taking it over'))).toBe(true)
  })

  it('destroy() releases the channel, timers and wake listeners; the other tabs keep refreshing', async () => {
    const browser = createBrowser()
    const [a, b] = [browser.openTab(), browser.openTab()]
    await a.auth.login({ username: 'u', password: 'secret' })
    await settle(browser.env, b.auth.start())
    const ports = browser.hub.openPorts
    a.auth.destroy()
    expect(browser.hub.openPorts).toBe(ports - 1)
    expect(a.env.wakeListenerCount).toBe(0)
    browser.env.sleep(120_000)
    await settle(browser.env, b.auth.getAccessToken())
    expect(b.auth.getState().status).toBe('authenticated')
    expect(browser.server.stats.reuseDetected).toBe(0)
  })
})

describe('cross-tab: a tab that missed the logout message', () => {
  it('learns it from the shared mark when it next refreshes, and ends with the same reason without re-announcing', async () => {
    const browser = createBrowser()
    const [a, b] = [browser.openTab(), browser.openTab()]
    await a.auth.login({ username: 'u', password: 'secret' })
    await settle(browser.env, b.auth.start())
    b.link.asleep = true
    await a.auth.logout()
    await flush()
    b.link.asleep = false
    const postedBefore = browser.hub.posted.length
    await expect(settle(browser.env, b.auth.refresh())).rejects.toMatchObject({ name: 'SessionEndedError', reason: 'logout' })
    expect(b.auth.getState()).toEqual({ status: 'unauthenticated', reason: 'logout' })
    expect(b.cleanups).toEqual(['logout'])
    expect(browser.hub.posted.slice(postedBefore).some((message) => (message as { type?: string }).type === 'ended')).toBe(false)
    expect(browser.server.stats.refreshRequests).toBe(0)
  })
})

describe('cross-tab: a refusal caused by a logout in another tab', () => {
  it('is reported as a logout when the logout mark shows up while the tab asks its siblings', async () => {
    const browser = createBrowser({ mode: 'cookie' })
    const [a, b] = [browser.openTab(), browser.openTab()]
    browser.server.issueSession()
    await settle(browser.env, a.auth.start())
    await settle(browser.env, b.auth.start())
    // b misses a's logout message, and the shared mark reaches b's process only after b's refresh was refused.
    b.link.asleep = true
    const markKey = 'tokenlife:default:mark'
    const marks = browser.env.marks
    const realSet = marks.set.bind(marks)
    let delayed: string | undefined
    marks.set = (key: string, value: string) => {
      if (key === markKey && value.includes('"ended"')) delayed = value
      else realSet(key, value)
      return marks
    }
    await a.auth.logout()
    marks.set = realSet
    const refreshing = b.auth.refresh()
    // The refusal arrives; while b asks its siblings, the mark becomes visible.
    await flush()
    realSet(markKey, delayed!)
    await expect(settle(browser.env, refreshing)).rejects.toMatchObject({ name: 'SessionEndedError', reason: 'logout' })
    expect(b.auth.getState()).toEqual({ status: 'unauthenticated', reason: 'logout' })
  })
})

describe('cross-tab without Web Locks: the leader-election lock', () => {
  const real = { realMs: 1 } // the library's election runs on real timers
  /** The next refresh is answered 500 ms (fake) late: longer than a sibling query, so only the lock keeps tabs apart. */
  const slowNextRefresh = (browser: ReturnType<typeof createBrowser>) =>
    browser.server.respondNextRefresh(
      (_request, proceed) => new Promise<void>((resolve) => browser.env.setTimeout(resolve, 500)).then(proceed),
    )

  it.each(['storage', 'cookie'] as const)('%s mode: five tabs waking together cost one refresh, no reuse', async (mode) => {
    const browser = createBrowser({ mode, locks: 'election' })
    const { env, server } = browser
    const first = browser.openTab()
    await settle(env, first.auth.login({ username: 'u', password: 'secret' }), real)
    const tabs = [first, ...Array.from({ length: 4 }, () => browser.openTab())]
    await settle(env, Promise.all(tabs.map((tab) => tab.auth.start())), real)
    expect(server.stats.refreshRequests).toBe(0)

    env.sleep(120_000)
    slowNextRefresh(browser)
    for (const tab of tabs) tab.env.wake('visible')
    await settle(env, Promise.all(tabs.map((tab) => tab.auth.getAccessToken())), real)

    expect(server.stats.refreshRequests).toBe(1)
    expect(server.stats.reuseDetected).toBe(0)
    expect(browser.locks.maxConcurrentHolders).toBe(0) // the Web Locks stand-in was never used
    expect(new Set(tabs.map((tab) => tab.auth.getState().accessToken))).toEqual(new Set([server.stats.issued.at(-1)]))
  })

  it('refresh() in every tab at once, three rounds: one request a round, no reuse', async () => {
    const browser = createBrowser({ mode: 'storage', locks: 'election' })
    const tabs = [browser.openTab(), browser.openTab(), browser.openTab()]
    await settle(browser.env, tabs[0]!.auth.login({ username: 'u', password: 'secret' }), real)
    await settle(browser.env, Promise.all(tabs.map((tab) => tab.auth.start())), real)
    for (let round = 1; round <= 3; round++) {
      slowNextRefresh(browser)
      await settle(browser.env, Promise.all(tabs.map((tab) => tab.auth.refresh())), real)
      expect(browser.server.stats.refreshRequests).toBe(round)
    }
    expect(browser.server.stats.reuseDetected).toBe(0)
  })
})

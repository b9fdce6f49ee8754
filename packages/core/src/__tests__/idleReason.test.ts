import { flush, runFor, settle } from '@tokenlife/test-utils'
import { describe, expect, it } from 'vitest'
import { TAB_PROTOCOL_VERSION } from '../tabMessages'
import { createBrowser } from './tabs'

const endedForIdle = (at: number) => ({ tokenlife: TAB_PROTOCOL_VERSION, namespace: 'default', from: 'elsewhere', type: 'ended', reason: 'idle', at })

describe("the 'idle' end reason, between tabs", () => {
  it('a sibling that ended the session for inactivity ends it here too: same reason, storage cleared, cleanup run', async () => {
    const browser = createBrowser({ mode: 'storage' })
    const tab = browser.openTab()
    const events: unknown[] = []
    tab.auth.onEvent((event) => events.push(event))
    await settle(browser.env, tab.auth.login({ username: 'u', password: 'secret' }))
    browser.hub.inject('tokenlife:default', endedForIdle(browser.env.now()))
    await runFor(browser.env, 100)
    expect(tab.auth.getState()).toEqual({ status: 'unauthenticated', reason: 'idle' })
    expect(tab.cleanups).toEqual(['idle'])
    expect(events).toContainEqual({ type: 'session-ended', reason: 'idle' })
    expect(await browser.storage.get('tokenlife:default:refresh_token')).toBeUndefined()
  })

  it('an answer on the wire when the idle end arrives is revoked, never adopted', async () => {
    const browser = createBrowser({ mode: 'cookie' })
    const tab = browser.openTab()
    await settle(browser.env, tab.auth.login({ username: 'u', password: 'secret' }))
    let release!: () => void
    const released = new Promise<void>((resolve) => (release = resolve))
    browser.server.respondNextRefresh(async (_request, proceed) => {
      await released
      return proceed()
    })
    const refreshing = tab.auth.refresh().catch((error: unknown) => error)
    await flush()
    expect(browser.server.stats.refreshRequests).toBe(1)
    browser.hub.inject('tokenlife:default', endedForIdle(browser.env.now()))
    await runFor(browser.env, 100)
    const logoutsBefore = browser.server.stats.logouts.length
    release()
    expect(await refreshing).toMatchObject({ name: 'SessionEndedError', reason: 'idle' })
    await runFor(browser.env, 1_000)
    expect(tab.auth.getState()).toEqual({ status: 'unauthenticated', reason: 'idle' })
    expect(browser.server.stats.logouts).toHaveLength(logoutsBefore + 1)
  })
})

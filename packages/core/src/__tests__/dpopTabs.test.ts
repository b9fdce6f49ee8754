// DPoP across tabs: one key per session shared through IndexedDB (made once, under the refresh lock, even when tabs
// start together), a nonce one tab learnt used by the others, and no token adopted from a sibling or from storage
// unless it is bound to the session's key.
import { mintJwt } from '@tokenlife/test-utils'
import { describe, expect, it, vi } from 'vitest'
import { webStorage } from '../storage/webStorage'
import { memoryStorage } from '../storage/memoryStorage'
import { TAB_PROTOCOL_VERSION } from '../tabMessages'
import { dpopBrowser, signedIn, until } from './dpopSetup'

describe('one key for the session, in every tab', () => {
  it('two tabs starting at once with a session that has no key yet make one key between them (under the refresh lock)', async () => {
    const browser = dpopBrowser()
    const legacy = browser.server.startSession()
    await browser.storage.set(`tokenlife:${browser.namespace}:refresh_token`, legacy.refresh_token)
    const [a, b] = [browser.openTab(), browser.openTab()]
    await browser.wait(Promise.all([a!.auth.start(), b!.auth.start()]))
    expect(a!.auth.getState().status).toBe('authenticated')
    expect(b!.auth.getState().status).toBe('authenticated')
    const { records, session } = await browser.keyStore()
    expect(records).toHaveLength(1)
    expect(new Set(browser.server.requestsTo('/token').map((request) => request.proof!.jkt))).toEqual(new Set([session]))
    expect(browser.server.seen.filter((request) => request.error)).toEqual([])
  })

  it('a second tab refreshes and calls with the key the first tab’s login made (one key per session)', async () => {
    const { server, tab, openTab, wait, keyStore } = await signedIn()
    const other = openTab()
    await wait(other.auth.start())
    expect(other.auth.getState().accessToken).toBe(tab.auth.getState().accessToken)
    await wait(other.auth.refresh())
    const { records, session } = await keyStore()
    expect(records).toHaveLength(1)
    expect(server.requestsTo('/token').map((request) => request.proof!.jkt)).toEqual([session])
    await wait(tab.auth.refresh())
    expect(server.requestsTo('/token').map((request) => request.status)).toEqual([200, 200])
  })

  it('a nonce one tab learnt is in the other tab’s first proof: no second use_dpop_nonce round trip', async () => {
    const { server, tab, openTab, wait } = await signedIn()
    server.state.requireNonce = true
    server.state.nonce = 'shared-nonce'
    await wait(tab.auth.refresh())
    expect(server.requestsTo('/token').map((request) => request.error ?? request.status)).toEqual(['use_dpop_nonce', 200])
    const other = openTab()
    await wait(other.auth.start())
    await wait(other.auth.refresh())
    expect(server.requestsTo('/token').map((request) => request.error ?? request.status)).toEqual(['use_dpop_nonce', 200, 200])
    expect(server.requestsTo('/token')[2]!.proof!.payload.nonce).toBe('shared-nonce')
  })
})

describe('no token is adopted unless it is bound to the session’s key', () => {
  /** Posts a session message on the tabs' channel, as a sibling would. */
  const post = (browser: ReturnType<typeof dpopBrowser>, session: Record<string, unknown>) => {
    const sender = browser.hub.connect().openChannel(`tokenlife:${browser.namespace}`)
    void sender.postMessage({ tokenlife: TAB_PROTOCOL_VERSION, namespace: browser.namespace, from: 'a-sibling', type: 'session', session })
  }

  it('a sibling’s token: adopted when its cnf.jkt is the key the message names; refused unbound or bound to another key', async () => {
    const browser = await signedIn()
    const { tab, env, wait } = browser
    const jkt = (await browser.keyStore()).session!
    const later = (id: string, claims: Record<string, unknown>, dpopJkt?: string) => {
      const iat = Math.floor(env.now() / 1000)
      const accessToken = mintJwt({ sub: 'ada', iat, exp: iat + 60, ...claims })
      const now = env.now()
      return { id, startedAt: now + 1, requestedAt: now + 1, expiresAt: now + 60_000, lifetimeMs: 60_000, accessToken, ...(dpopJkt ? { dpopJkt } : {}) }
    }
    const before = tab.auth.getState().accessToken
    post(browser, later('bearer', {}, undefined))
    post(browser, later('mismatch', { cnf: { jkt: 'another' } }, jkt))
    post(browser, later('no-jkt', { cnf: { jkt } }, undefined))
    await wait(new Promise((resolve) => setTimeout(resolve, 10)))
    expect(tab.auth.getState().accessToken).toBe(before)
    const good = later('good', { cnf: { jkt } }, jkt)
    post(browser, good)
    await wait(until(() => tab.auth.getState().accessToken === good.accessToken))
  })

  it('a persisted access token is restored only while the key it is bound to exists', async () => {
    const persist = memoryStorage()
    const browser = await signedIn({ persistAccessToken: persist })
    const first = browser.tab.auth.getState().accessToken
    browser.tab.auth.destroy()
    const reopened = browser.openTab({ persistAccessToken: persist })
    await browser.wait(reopened.auth.start())
    expect(reopened.auth.getState().accessToken).toBe(first)
    expect(browser.server.requestsTo('/token')).toHaveLength(0)
    reopened.auth.destroy()

    // The key is gone (site data cleared): the persisted token cannot be used, a refresh is made with a new key.
    const { jkt } = (await browser.keyStore()).records[0]!
    const { createStore, del } = await import('idb-keyval')
    await del(`${browser.namespace}:key:${jkt}`, createStore('tokenlife-dpop', 'keys'))
    await del(`${browser.namespace}:session`, createStore('tokenlife-dpop', 'keys'))
    const third = browser.openTab({ persistAccessToken: persist })
    await browser.wait(third.auth.start())
    expect(browser.server.requestsTo('/token')).toHaveLength(1)
    expect(third.auth.getState().accessToken).not.toBe(first)
  })
})

describe('without Web Crypto or IndexedDB', () => {
  it('no IndexedDB: start fails with TL350 (printed once), login rejects with it, nothing is sent', async () => {
    const browser = dpopBrowser()
    await browser.storage.set(`tokenlife:${browser.namespace}:refresh_token`, browser.server.startSession().refresh_token)
    const tab = browser.openTab()
    vi.stubGlobal('indexedDB', undefined)
    try {
      await browser.wait(tab.auth.start())
      expect(tab.auth.getState()).toMatchObject({ status: 'initializing', error: { code: 'TL350' } })
      await expect(browser.wait(tab.auth.login({ user: 'ada' }))).rejects.toMatchObject({ code: 'TL350' })
      await expect(browser.wait(tab.auth.getAccessToken())).rejects.toMatchObject({ code: 'TL350' })
      expect(browser.server.seen).toEqual([])
      expect(tab.env.errors.filter((message) => message.includes('TL350'))).toHaveLength(1)
    } finally {
      vi.unstubAllGlobals()
      tab.auth.destroy()
    }
  })

  it('no Web Crypto (an insecure context): the same, and createKey() rejects with TL350', async () => {
    const browser = dpopBrowser()
    const tab = browser.openTab({ persistAccessToken: webStorage('session') })
    vi.stubGlobal('crypto', { randomUUID: () => 'x' })
    try {
      await expect(browser.wait(tab.auth.dpop!.createKey())).rejects.toMatchObject({ code: 'TL350' })
      await expect(browser.wait(tab.auth.login({ user: 'ada' }))).rejects.toMatchObject({ code: 'TL350' })
      expect(browser.server.seen).toEqual([])
    } finally {
      vi.unstubAllGlobals()
      tab.auth.destroy()
    }
  })
})

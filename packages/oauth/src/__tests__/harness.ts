// Pages of an app in Node, against a real oidc-provider: each "tab" has its own sessionStorage and address bar, the
// origin's localStorage is shared, the network is real. The provider's login form is submitted over HTTP.
import { memoryStorage, type AuthClient, type StorageAdapter } from '@tokenlife/core'
import { authorizeOverHttp, CLIENT_ID, startProvider, type RunningProvider } from '@tokenlife/example-oidc-provider'
import { afterAll, afterEach, beforeAll } from 'vitest'
import type { KeyValueStore, OAuthEnvironment } from '../environment'
import { createOAuthClient, type OAuthClient } from '../oauthClient'
import type { OAuthClientOptions } from '../options'

export const APP = 'http://app.tokenlife.test'

/** A Map behind the Web Storage interface. */
export function mapStorage(): KeyValueStore & { map: Map<string, string> } {
  const map = new Map<string, string>()
  return {
    map,
    getItem: (key) => map.get(key) ?? null,
    setItem: (key, value) => void map.set(key, value),
    removeItem: (key) => void map.delete(key),
  }
}

/** One browser profile: the origin's localStorage and the session's refresh-token storage, shared by its tabs. */
export interface Browser {
  sharedStorage: ReturnType<typeof mapStorage>
  storage: StorageAdapter
  requests: string[]
}

export function newBrowser(): Browser {
  return { sharedStorage: mapStorage(), storage: memoryStorage(), requests: [] }
}

/** A tab of the app: its OAuth client, address bar, sessionStorage and where it navigated. */
export interface Tab {
  oauth: OAuthClient
  auth: AuthClient
  tabStorage: ReturnType<typeof mapStorage>
  page: { url: string }
  navigations: string[]
}

let op: RunningProvider
const tabs: Tab[] = []

/** Starts one provider for the file (pages on {@link APP}), and destroys every tab's client after each test. */
export function useProvider(): () => RunningProvider {
  beforeAll(async () => {
    op = await startProvider({ appOrigins: [APP] })
  })
  afterEach(() => {
    for (const tab of tabs.splice(0)) tab.auth.destroy()
    op.rewriteTokenAnswers(undefined)
    op.jwksDown = false
  })
  afterAll(() => op.close())
  return () => op
}

/** Opens a tab of `browser` at `path` with a new OAuth client (a page load), made by `create` (a build's, say). */
export function openTab(browser: Browser, path = '/', options: Partial<OAuthClientOptions> = {}, create = createOAuthClient): Tab {
  const page = { url: new URL(path, APP).href }
  const navigations: string[] = []
  const tabStorage = mapStorage()
  const environment: Partial<OAuthEnvironment> = {
    pageUrl: () => page.url,
    navigate: (url) => void navigations.push(url),
    replaceUrl: (url) => {
      page.url = url
    },
    tabStorage: () => tabStorage,
    sharedStorage: () => browser.sharedStorage,
    fetch: (input, init) => {
      browser.requests.push(`${init?.method ?? 'GET'} ${new URL(String(input)).pathname}`)
      return fetch(input, init)
    },
  }
  const oauth = create({
    issuer: op.issuer,
    clientId: CLIENT_ID,
    redirectUri: '/callback',
    storage: browser.storage,
    environment,
    ...options,
  })
  const tab: Tab = { oauth, auth: oauth.auth, tabStorage, page, navigations }
  tabs.push(tab)
  return tab
}

/** Signs in at the provider's login form from the URL `tab` navigated to; returns the callback URL. */
export async function atProvider(tab: Tab, user = 'ada'): Promise<string> {
  const authorization = tab.navigations.at(-1)
  if (!authorization) throw new Error('the tab did not navigate to the provider')
  return (await authorizeOverHttp(authorization, { redirectUri: `${APP}/callback`, user })).href
}

/** A full sign-in in `tab`: to the provider, its form, back to the callback (the tab's address bar shows it). */
export async function signIn(tab: Tab, user = 'ada', options: Parameters<OAuthClient['loginWithRedirect']>[0] = {}) {
  await tab.oauth.loginWithRedirect(options)
  tab.page.url = await atProvider(tab, user)
  return tab.oauth.handleRedirectCallback()
}

/** What `fn` throws or rejects with; fails when it does neither. */
export async function rejection(fn: () => unknown): Promise<Error & { code?: string }> {
  try {
    await fn()
  } catch (error) {
    return error as Error & { code?: string }
  }
  throw new Error('nothing was thrown')
}

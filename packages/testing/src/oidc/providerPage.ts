import type { ChannelPort, LockManagerPort } from '@tokenlife/core'

/** A synchronous key-value store: the part of Web Storage `@tokenlife/oauth` uses (`sessionStorage`, `localStorage`). */
export type PageStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>

/** The ports `createOAuthClient({ environment })` takes from a {@link ProviderPage}. */
export interface ProviderPageEnvironment {
  /** The address bar. */
  pageUrl(): string
  /** Leaves the page: to the provider (which answers with its redirect at once) or elsewhere. */
  navigate(url: string): void
  /** Rewrites the address bar without leaving (`history.replaceState`). */
  replaceUrl(url: string): void
  /** The page's own sessionStorage. */
  tabStorage(): PageStorage
  /** The origin's localStorage. */
  sharedStorage(): PageStorage
  /** Requests to the provider reach it without msw; the rest go to the global `fetch`. */
  fetch: typeof fetch
  /** No cross-tab channel: one page alone, so tests never hear each other. */
  openChannel(name: string): ChannelPort | undefined
  /** No cross-tab lock (one page). */
  locks: LockManagerPort | undefined
}

/** A page of an app that signs in at a {@link MockOidcProvider}, without a browser. */
export interface ProviderPage {
  /** The address bar now. */
  readonly url: string
  /** Every URL the app navigated to, oldest first (the authorization request, the end-session request, …). */
  readonly navigations: readonly string[]
  /** Pass as `createOAuthClient({ environment })`. */
  readonly environment: ProviderPageEnvironment
}

function mapStorage(): PageStorage {
  const map = new Map<string, string>()
  return { getItem: (key) => map.get(key) ?? null, setItem: (key, value) => void map.set(key, value), removeItem: (key) => void map.delete(key) }
}

/** What the page needs of the provider: where it is, its redirects, and its answers to requests. */
interface PageProvider {
  readonly issuer: string
  authorize(url: string): string
  endSession(url: string): string | undefined
  matches(request: Request): boolean
  handle(request: Request): Promise<Response>
}

/** The page: navigations to the provider come back at once as the provider's redirect. */
export function providerPage(provider: PageProvider, start: string): ProviderPage {
  let url = new URL(start).href
  const navigations: string[] = []
  const tab = mapStorage()
  const shared = mapStorage()
  const isAt = (target: string, path: string) => target.startsWith(`${provider.issuer.replace(/\/+$/, '')}${path}`)
  const environment: ProviderPageEnvironment = {
    pageUrl: () => url,
    navigate: (target) => {
      navigations.push(target)
      if (isAt(target, '/authorize')) url = provider.authorize(target)
      else if (isAt(target, '/end-session')) url = provider.endSession(target) ?? target
      else url = new URL(target, url).href
    },
    replaceUrl: (target) => {
      url = new URL(target, url).href
    },
    tabStorage: () => tab,
    sharedStorage: () => shared,
    fetch: (input, init) => {
      const request = new Request(input, init)
      return provider.matches(request) ? provider.handle(request) : globalThis.fetch(input, init)
    },
    openChannel: () => undefined,
    locks: undefined,
  }
  return {
    get url() {
      return url
    },
    navigations,
    environment,
  }
}

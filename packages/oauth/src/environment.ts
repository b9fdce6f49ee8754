import { invalid } from './diagnostics/diagnostic'

/** A synchronous key-value store (`sessionStorage`, `localStorage`). */
export interface KeyValueStore {
  /** The value under `key`, or `null` when there is none. */
  getItem(key: string): string | null
  /** Stores `value` under `key` (may throw when the storage is full or disabled: the client copes). */
  setItem(key: string, value: string): void
  /** Removes `key` and its value. */
  removeItem(key: string): void
}

/**
 * Every browser effect the OAuth client has, as a port (tests and server-side rendering pass their own). The
 * defaults read browser globals when called, never at import.
 */
export interface OAuthEnvironment {
  /** The page's URL now (`location.href`). */
  pageUrl(): string
  /** Leaves the page for `url` (`location.assign`): the provider's authorization or end-session endpoint. */
  navigate(url: string): void
  /** Replaces the address bar's URL without loading it (`history.replaceState`): removes `code` and `state`. */
  replaceUrl(url: string): void
  /** This tab's storage (`sessionStorage`): the sign-in transaction (PKCE verifier, state, nonce, returnTo). */
  tabStorage(): KeyValueStore | undefined
  /** The origin's storage (`localStorage`): the discovery cache and non-secret marks of states begun and used. */
  sharedStorage(): KeyValueStore | undefined
  /** The `fetch` for discovery, the code exchange, the JWKS and userinfo (the session's refreshes use the core's). */
  fetch: typeof fetch
  /** This device's clock, epoch ms. */
  now(): number
}

const storage = (name: 'sessionStorage' | 'localStorage') => (): KeyValueStore | undefined => {
  try {
    return globalThis[name] ?? undefined
  } catch {
    // A sandboxed frame, or storage disabled: throws on access.
    return undefined
  }
}

const noPage = (): never => invalid('TL511')

/** The browser's ports; each reads its global when called, so nothing touches `window` at import or creation. */
export const browserEnvironment: OAuthEnvironment = {
  pageUrl: () => (typeof location === 'undefined' ? noPage() : location.href),
  navigate: (url) => (typeof location === 'undefined' ? noPage() : location.assign(url)),
  replaceUrl: (url) => {
    if (typeof history !== 'undefined') history.replaceState(history.state, '', url)
  },
  tabStorage: storage('sessionStorage'),
  sharedStorage: storage('localStorage'),
  fetch: (input, init) => fetch(input, init),
  now: () => Date.now(),
}

import { openLibraryChannel } from './libraryChannel'

/** An opaque handle returned by {@link Environment.setTimeout}. */
export type TimerHandle = unknown

/** What woke the client up: a sign that timers may have been throttled or the device slept. */
export type WakeCause = 'visible' | 'pageshow' | 'focus' | 'online' | 'late-timer'

/**
 * The subset of the Web Locks API tokenlife uses (`navigator.locks`). Used by cross-tab coordination.
 */
export interface LockManagerPort {
  request<T>(
    name: string,
    options: { signal?: AbortSignal; mode?: 'exclusive' | 'shared'; ifAvailable?: boolean; steal?: boolean },
    callback: (lock: unknown) => Promise<T> | T,
  ): Promise<T>
  /** The names of the locks held now, across every tab (`navigator.locks.query()`); optional. */
  query?(): Promise<{ held?: { name?: string }[] }>
}

/** A message channel shared by every tab of one origin (a BroadcastChannel or an equivalent). */
export interface ChannelPort {
  /**
   * `false` when the channel may write messages to disk (the broadcast-channel library's IndexedDB and
   * localStorage methods): tokenlife then sends no token over it, only signals. Default `true`.
   */
  readonly confidential?: boolean
  postMessage(message: unknown): void | Promise<void>
  /** Subscribes to messages from other tabs; returns an unsubscribe function. */
  subscribe(listener: (message: unknown) => void): () => void
  close(): void | Promise<void>
}

/** A tiny synchronous store shared by every tab of the origin (`localStorage` by default). */
export interface SharedMarksPort {
  get(key: string): string | null
  set(key: string, value: string): void
  remove(key: string): void
}

/**
 * Every dependency tokenlife has on its host environment. Defaults use browser globals, looked up lazily and
 * through wrappers so fake timers keep working; tests and server-side rendering pass their own.
 */
export interface Environment {
  /** This device's clock, epoch milliseconds. */
  now(): number
  /** A random number in [0, 1), used for jitter. */
  random(): number
  setTimeout(callback: () => void, ms: number): TimerHandle
  clearTimeout(handle: TimerHandle): void
  /** The `fetch` used for every request tokenlife makes. */
  fetch: typeof fetch
  /** Whether the device believes it is online (`navigator.onLine`); `true` when unknown. */
  isOnline(): boolean
  /**
   * Calls `listener` when the page becomes visible again, is restored from the back/forward cache, gains focus or
   * comes back online. Returns a function that removes every listener it added.
   */
  onWake(listener: (cause: WakeCause) => void): () => void
  /** Web Locks, or `undefined` where the browser has none. */
  locks: LockManagerPort | undefined
  /** Opens the cross-tab channel called `name`, or `undefined` where there is no way to talk to other tabs. */
  openChannel(name: string): ChannelPort | undefined
  /**
   * Where tabs leave non-secret marks for each other (the newest token's expiry, "logged out at"), so a tab that
   * missed a message, or was granted the refresh lock before a message arrived, still learns of it. Never holds a
   * token. `undefined` where there is no such store.
   */
  sharedMarks: SharedMarksPort | undefined
  /**
   * The page's own URL (`location.href`), or `undefined` where there is none (server-side rendering, Node). Its
   * origin always may receive the access token.
   */
  pageUrl(): string | undefined
  /**
   * The URL relative request URLs resolve against, as `fetch` resolves them: the document's base URL
   * (`document.baseURI`, which a `<base href>` changes), else the page's URL (a worker), else `undefined` (no page). Endpoint URLs are
   * resolved against it once, when the client is created; the HTTP helpers resolve each request URL against it and
   * then judge and fetch that same absolute URL.
   */
  baseUrl(): string | undefined
  /** Prints a developer warning. */
  warn(message: string): void
  /**
   * Prints an error a developer must act on: today a `ConfigurationError` (the refresh endpoint says the
   * client is misconfigured). Default `console.error('[tokenlife] …')`.
   */
  error(message: string): void
}

/**
 * Whether this is a page, which may have sibling tabs: a `window` and a `document`. Node (20+ has a native
 * `BroadcastChannel`), Deno, Bun and workers have neither, and there clients of one process must not share
 * sessions: one process may serve many users. Read lazily, at the moment a cross-tab feature is used.
 */
export const hasTabs = (): boolean => typeof window !== 'undefined' && typeof document !== 'undefined'

/** Web Locks that only lock where there are tabs; elsewhere every task runs at once (one client is alone). */
function tabLocks(locks: LockManagerPort): LockManagerPort {
  return {
    request: (name, options, callback) => hasTabs() ? locks.request(name, options, callback) : new Promise((resolve) => resolve(callback(null))),
  }
}

/**
 * Builds the default browser {@link Environment}; safe to call where there is no `window` (SSR, Node). Cross-tab
 * features (the channel, the shared marks, Web Locks and the lock fallback) are on only in a page (`window` and
 * `document` present): elsewhere the channel is `undefined`, the marks read nothing and the lock runs at once, so
 * two clients in one Node process never adopt each other's session. Pass `environment.openChannel` (and
 * `sharedMarks`, `locks`) explicitly to connect clients outside a page.
 */
export function createBrowserEnvironment(): Environment {
  return {
    now: () => Date.now(),
    random: () => Math.random(),
    setTimeout: (callback, ms) => globalThis.setTimeout(callback, ms),
    clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof setTimeout>),
    fetch: (input, init) => globalThis.fetch(input, init),
    isOnline: () => typeof navigator === 'undefined' || navigator.onLine !== false,
    onWake: (listener) => {
      if (typeof window === 'undefined' || typeof window.addEventListener !== 'function') return () => {}
      const onVisibility = () => {
        if (document.visibilityState === 'visible') listener('visible')
      }
      // Only a page restored from the back/forward cache has been asleep; the first pageshow is just the load.
      const onPageShow = (event: PageTransitionEvent) => {
        if (event.persisted) listener('pageshow')
      }
      const onFocus = () => listener('focus')
      const onOnline = () => listener('online')
      document.addEventListener('visibilitychange', onVisibility)
      window.addEventListener('pageshow', onPageShow)
      window.addEventListener('focus', onFocus)
      window.addEventListener('online', onOnline)
      return () => {
        document.removeEventListener('visibilitychange', onVisibility)
        window.removeEventListener('pageshow', onPageShow)
        window.removeEventListener('focus', onFocus)
        window.removeEventListener('online', onOnline)
      }
    },
    locks: typeof navigator !== 'undefined' && navigator.locks ? tabLocks(navigator.locks as LockManagerPort) : undefined,
    openChannel: (name) => {
      if (!hasTabs()) return undefined
      if (typeof BroadcastChannel === 'undefined') {
        // Older browsers: the broadcast-channel library talks through IndexedDB or localStorage instead.
        return openLibraryChannel(name)
      }
      const channel = new BroadcastChannel(name)
      return {
        postMessage: (message) => channel.postMessage(message),
        subscribe: (listener) => {
          const onMessage = (event: MessageEvent) => listener(event.data)
          channel.addEventListener('message', onMessage)
          return () => channel.removeEventListener('message', onMessage)
        },
        close: () => channel.close(),
      }
    },
    sharedMarks: {
      // Outside a page there are no tabs to leave marks for (a Node 22+ localStorage would be shared by every client
      // of the process). localStorage may be missing or throw (private mode, disabled storage): then tabs rely on the
      // channel alone.
      get: (key) => {
        if (!hasTabs()) return null
        try {
          return globalThis.localStorage?.getItem(key) ?? null
        } catch {
          return null
        }
      },
      set: (key, value) => {
        if (!hasTabs()) return
        try {
          globalThis.localStorage?.setItem(key, value)
        } catch {
          // See get().
        }
      },
      remove: (key) => {
        if (!hasTabs()) return
        try {
          globalThis.localStorage?.removeItem(key)
        } catch {
          // See get().
        }
      },
    },
    pageUrl: () => (globalThis as { location?: { href?: string } }).location?.href,
    baseUrl: () => {
      // No location, no page (server-side rendering): `document` is not even looked at.
      const page = (globalThis as { location?: { href?: string } }).location?.href
      if (page === undefined) return undefined
      return (globalThis as { document?: { baseURI?: string } }).document?.baseURI ?? page
    },
    warn: (message) => console.warn(`[tokenlife] ${message}`),
    error: (message) => console.error(`[tokenlife] ${message}`),
  }
}

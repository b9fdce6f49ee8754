import { openLibraryChannel } from './libraryChannel'
import { loadOnce } from './loadOnce'
import type { Environment, LockManagerPort } from './ports'
import { idbSendingRecords } from './storage/idbSendingRecords'

export type { ChannelPort, Environment, LockManagerPort, SendingRecordsPort, SharedMarksPort, TimerHandle, WakeCause } from './ports'

/**
 * Whether this is a page, which may have sibling tabs: a `window` and a `document`. Node (20+ has a native
 * `BroadcastChannel`), Deno, Bun and workers have neither, and there clients of one process must not share
 * sessions: one process may serve many users. Read lazily, at the moment a cross-tab feature is used.
 */
const hasTabs = (): boolean => typeof window !== 'undefined' && typeof document !== 'undefined'

/** What counts as the user doing something in a page (besides bringing it to the front). */
const activityEvents = ['pointerdown', 'pointermove', 'keydown', 'wheel', 'touchstart', 'scroll'] as const

/**
 * Web Locks that only lock where there are tabs; elsewhere every task runs at once (one client is alone) and no
 * lock is listed. `query` is passed through: the refresh lock publishes the newest session in lock names.
 */
function tabLocks(locks: LockManagerPort): LockManagerPort {
  return {
    request: (name, options, callback) => hasTabs() ? locks.request(name, options, callback) : new Promise((resolve) => resolve(callback(null))),
    query: () => (hasTabs() && locks.query ? locks.query() : Promise.resolve({ held: [] })),
  }
}

/**
 * Chooses the refresh lock's default when it is first read: Web Locks where the runtime has them (through
 * {@link tabLocks}); else, in a page, a leader election over broadcast-channel (the library loads on the first lock
 * request only); else `undefined`. Outside a page a client is alone, and its own queue is the only lock it needs.
 * A choice once made is kept.
 */
function lazyLocks(): () => LockManagerPort | undefined {
  let chosen: LockManagerPort | undefined
  return () => {
    if (chosen) return chosen
    if (typeof navigator !== 'undefined' && navigator.locks) chosen = tabLocks(navigator.locks as LockManagerPort)
    else if (hasTabs()) chosen = lazyElectionLocks()
    return chosen
  }
}

/**
 * The election port, its module loaded with the first request (a browser with Web Locks never loads it; the
 * broadcast-channel library itself loads later still, see `createElectionLocks`).
 */
function lazyElectionLocks(): LockManagerPort {
  const load = loadOnce(() => import('./electionLocks').then(({ createElectionLocks }) => createElectionLocks()))
  return { request: async (name, options, callback) => (await load()).request(name, options, callback) }
}

/**
 * Builds the default browser {@link Environment}; safe to call where there is no `window` (SSR, Node). Cross-tab
 * features (the channel, the shared marks, Web Locks and the lock fallback) are on only in a page (`window` and
 * `document` present), checked when they are first used. Elsewhere the channel is `undefined` and the marks read
 * nothing. A runtime's Web Locks run each task at once, and without them `locks` is `undefined`. So two clients in
 * one Node process never adopt each other's session. Pass `environment.openChannel` (and `sharedMarks`, `locks`)
 * explicitly to connect clients outside a page.
 *
 * `locks` is an accessor: Web Locks where the runtime has them, else in a page a leader election over
 * broadcast-channel (which loads the library on its first request), else `undefined`. Spreading the result reads it
 * at once. A client's `environment` option is completed without reading it.
 */
export function createBrowserEnvironment(): Environment {
  const locks = lazyLocks()
  return {
    now: () => Date.now(),
    random: () => Math.random(),
    randomId: () => globalThis.crypto?.randomUUID?.() ?? `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`,
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
    onActivity: (listener) => {
      if (typeof window === 'undefined' || typeof window.addEventListener !== 'function') return () => {}
      // Capturing, so a handler that stops propagation cannot hide activity; passive, so scrolling never waits.
      const options = { capture: true, passive: true }
      const onEvent = () => listener()
      const onVisibility = () => {
        if (document.visibilityState === 'visible') listener()
      }
      for (const type of activityEvents) window.addEventListener(type, onEvent, options)
      document.addEventListener('visibilitychange', onVisibility)
      return () => {
        for (const type of activityEvents) window.removeEventListener(type, onEvent, options)
        document.removeEventListener('visibilitychange', onVisibility)
      }
    },
    get locks() {
      return locks()
    },
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
    // Outside a page, or without IndexedDB, it records nothing (and idb-keyval never loads).
    sendingRecords: idbSendingRecords(hasTabs),
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

/** Members whose `undefined` means "there is none", not "use the default". */
const mayBeNone: ReadonlySet<keyof Environment> = new Set<keyof Environment>(['locks', 'sharedMarks', 'sendingRecords'])

/**
 * The environment a client runs on: `given` with only its missing members filled in from
 * {@link createBrowserEnvironment} (which stays as lazy as there: the default `locks` is chosen when first read).
 * A member counts as given when `given` has it, as its own property or through its prototype (a class's methods,
 * which are bound to `given`). `locks: undefined`, `sharedMarks: undefined` and `sendingRecords: undefined` mean that
 * there is none. Another
 * member set to `undefined` counts as missing.
 *
 * @example
 * ```ts
 * class Clock { now() { return 0 } }
 * completeEnvironment(new Clock() as Partial<Environment>).now() // 0, not Date.now()
 * completeEnvironment({ locks: undefined }).locks // undefined: no cross-tab lock, even in a page
 * ```
 */
export function completeEnvironment(given: Partial<Environment> = {}): Environment {
  const defaults = createBrowserEnvironment()
  const environment = {} as Environment
  for (const key of Object.keys(defaults) as (keyof Environment)[]) {
    const value: unknown = given[key]
    if (value === undefined && !(mayBeNone.has(key) && key in given)) {
      Object.defineProperty(environment, key, Object.getOwnPropertyDescriptor(defaults, key)!)
      continue
    }
    const own = typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(given) : value
    Object.defineProperty(environment, key, { value: own, enumerable: true, writable: true, configurable: true })
  }
  return environment
}

/**
 * Every dependency tokenlife has on its host, as types only: the clock, timers, fetch, wake-ups, Web Locks, the
 * cross-tab channel, the shared marks, the page's URLs, warnings. The browser implementation is in environment.ts.
 */
/** An opaque handle returned by {@link Environment.setTimeout}. */
export type TimerHandle = unknown

/** What woke the client up: a sign that timers may have been throttled or the device slept. */
export type WakeCause = 'visible' | 'pageshow' | 'focus' | 'online' | 'late-timer'

/**
 * The subset of the Web Locks API tokenlife uses (`navigator.locks`): exclusive locks only. The refresh lock runs
 * over it. The browser environment passes Web Locks, or a leader election where the browser has none.
 */
export interface LockManagerPort {
  /**
   * Runs `callback` holding the exclusive lock `name` in every tab of the origin, and settles with its result.
   * - `ifAvailable`: does not wait. When the lock is held, `callback` gets `null` at once.
   * - `signal`: aborting while waiting rejects with an `AbortError`.
   * - `steal`: takes the lock from its holder, whose request rejects with an `AbortError`. The refresh lock steals
   *   only from a holder that does not answer. A port that cannot steal may wait instead, if a holder that does not
   *   answer still loses the lock in bounded time.
   */
  request<T>(
    name: string,
    options: { signal?: AbortSignal; ifAvailable?: boolean; steal?: boolean },
    callback: (lock: unknown) => Promise<T> | T,
  ): Promise<T>
  /**
   * The names of the locks held now, across every tab (`navigator.locks.query()`). Optional: without it, tabs do not
   * publish their newest session in lock names.
   */
  query?(): Promise<{
    /** The locks held now. */
    held?: {
      /** The lock's name. */
      name?: string
    }[]
  }>
}

/** A message channel shared by every tab of one origin (a BroadcastChannel or an equivalent). */
export interface ChannelPort {
  /**
   * `false` when the channel may write messages to disk (the broadcast-channel library's IndexedDB and
   * localStorage methods): tokenlife then sends no token over it, only signals. Default `true`.
   */
  readonly confidential?: boolean
  /** Sends `message` (structured-cloneable) to every other tab's channel of the same name. */
  postMessage(message: unknown): void | Promise<void>
  /** Subscribes to messages from other tabs; returns an unsubscribe function. */
  subscribe(listener: (message: unknown) => void): () => void
  /** Closes the channel: no more messages in or out. */
  close(): void | Promise<void>
}

/** A tiny synchronous store shared by every tab of the origin (`localStorage` by default). */
export interface SharedMarksPort {
  /** The value at `key`, or `null`. */
  get(key: string): string | null
  /** Stores `value` at `key` (errors are swallowed by the default). */
  set(key: string, value: string): void
  /** Removes `key`. */
  remove(key: string): void
}

/**
 * Records of refresh requests on the wire, which every tab of the origin reads as soon as a write has resolved
 * (IndexedDB by default: a committed transaction is visible to every later one, in any tab). `localStorage` and
 * messages reach other tabs late; a page closed right after it sent its refresh would go unnoticed by a sibling that
 * takes the lock at once. Cookie mode records every refresh here before it leaves.
 */
export interface SendingRecordsPort {
  /** Stores `at` (when the request left, device ms) under `key`; resolves once every tab can read it. */
  put(key: string, at: number): Promise<void>
  /** Removes the record `key`. */
  delete(key: string): Promise<void>
  /** Every record whose key starts with `prefix`. */
  list(prefix: string): Promise<
    {
      /** The record's key, as given to `put`. */
      key: string
      /** When the request left, device ms. */
      at: number
    }[]
  >
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
  /** A random id, unique enough to tell tabs and sessions apart; not a secret. Default `crypto.randomUUID()`. */
  randomId(): string
  /** Calls `callback` after `ms` milliseconds (`globalThis.setTimeout` by default). */
  setTimeout(callback: () => void, ms: number): TimerHandle
  /** Cancels a timer of {@link Environment.setTimeout}. */
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
  /**
   * Calls `listener` when the user does something in this page: presses or moves a pointer, presses a key, turns the
   * wheel, touches, scrolls, or brings the page to the front. Returns a function that removes every listener it
   * added. For the idle timeout (`idleTimeout()`), which asks for it only while the client runs and ignores all
   * but one call a second; the browser's listeners are passive.
   */
  onActivity(listener: () => void): () => void
  /**
   * The lock manager the refresh lock runs over, across every tab: Web Locks, or where the browser has none a
   * leader election over broadcast-channel. `undefined` where the client is alone (no page): then only the client's
   * own queue orders its refreshes.
   */
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
   * Where cookie mode records a refresh request before it leaves, so that a sibling that takes the lock next knows of
   * it even when the page that sent it is closed at once (see {@link SendingRecordsPort}). IndexedDB in a page;
   * `undefined` where there is no such store (then the shared marks alone tell).
   */
  sendingRecords: SendingRecordsPort | undefined
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

import {
  createFakeAuthServer,
  DelayedSharedMarks,
  FakeChannelHub,
  FakeEnvironment,
  FakeLockManager,
  SharedSendingRecords,
  SimNetwork,
} from '@tokenlife/test-utils'
import { createAuthClient, type AuthClient, type AuthEvent, type LockManagerPort, type StorageAdapter } from '../index'
import { memoryStorage } from '../storage/memoryStorage'

/** A seeded pseudo-random generator (mulberry32): the same seed gives the same run. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
  }
}

/**
 * The storage-mode store as one tab sees it (IndexedDB): a write or remove commits after a delay on the tab's own
 * clock, and only then do other tabs read it; a tab that goes away (or freezes) first commits it never (or late).
 */
function committedLater(shared: StorageAdapter, env: FakeEnvironment, delay: () => number, beforeCommit: () => void): StorageAdapter {
  const later = (commit: () => void) => new Promise<void>((resolve) => env.setTimeout(() => resolve(commit()), delay()))
  return {
    name: 'indexedDB',
    get: (key) => shared.get(key),
    set: (key, value) =>
      later(() => {
        beforeCommit()
        shared.set(key, value)
      }),
    remove: (key) => later(() => void shared.remove(key)),
  }
}

/** A tab's sessionStorage: survives a reload, comes back with a restored tab. */
function sessionStorageOf(values: Map<string, string>): StorageAdapter {
  return {
    name: 'sessionStorage',
    get: (key) => values.get(key),
    set: (key, value) => void values.set(key, value),
    remove: (key) => void values.delete(key),
  }
}

/** One simulated tab. */
export interface SimTab {
  id: string
  /** How many Web Locks this tab holds now (a browser does not freeze a page that holds one). */
  locksHeld(): number
  /** The page goes away for good (closed, discarded): see {@link createSimBrowser}. */
  kill(): void
  auth: AuthClient
  env: FakeEnvironment
  /** This tab's sessionStorage, as the browser would save it with the tab. */
  sessionValues: Map<string, string>
  events: (AuthEvent & { at: number })[]
}

/** Options for {@link createSimBrowser}. */
export interface SimBrowserOptions {
  mode: 'cookie' | 'storage'
  seed: number
  /** Persist the access token in each tab's sessionStorage (the app opted in). */
  persistAccessToken?: boolean
  lifetimeSeconds?: number
  /** Upper bound of channel and localStorage delays between tabs, ms. Default 20. */
  maxMessageDelayMs?: number
  /** A fixed channel and localStorage delay between tabs instead, ms. */
  messageDelayMs?: number
  /** Upper bound of each network leg, ms. Default 150. */
  maxLatencyMs?: number
  /** A fixed latency for each network leg instead, ms. */
  latencyMs?: number
  /** Upper bound of how long a storage write takes to commit (IndexedDB), ms. Default 10. */
  maxStorageDelayMs?: number
}

/**
 * A browser whose hazards are those of a real one, on fake time, for property tests: one device clock; tabs that
 * freeze (their timers, messages and responses wait), close, are restored with their sessionStorage, or are
 * discarded and reloaded; messages delivered to each tab after its own random delay (late, out of order);
 * localStorage writes reaching other tabs late; a network whose responses can be lost after the server acted and
 * whose cookie jar changes only when a response is received; Web Locks shared by every tab; and a rotating-refresh
 * server with strict reuse detection. Every random choice comes from `seed`.
 */
export function createSimBrowser(options: SimBrowserOptions) {
  const { mode, seed, persistAccessToken = false, lifetimeSeconds = 60 } = options
  const random = seededRandom(seed)
  const maxDelay = options.maxMessageDelayMs ?? 20
  const maxLatency = options.maxLatencyMs ?? 150
  const clock = new FakeEnvironment()
  const server = createFakeAuthServer({ now: () => clock.now(), accessTokenLifetime: lifetimeSeconds, cookies: 'headers' })
  const fixedLatency = { ms: options.latencyMs }
  const latency = () => fixedLatency.ms ?? 1 + Math.floor(random() * maxLatency)
  const network = new SimNetwork(server, clock, { latency })
  const messageDelay = () => options.messageDelayMs ?? Math.floor(random() * maxDelay)
  const hub = new FakeChannelHub({ delay: messageDelay })
  const marks = new DelayedSharedMarks(messageDelay)
  const locks = new FakeLockManager()
  const sharedStorage = memoryStorage()
  const maxStorageDelay = options.maxStorageDelayMs ?? 10
  /** What happens during the next IndexedDB write of any tab, once (see `duringNextWrite`). */
  let duringWrite: (() => void) | undefined
  const beforeCommit = () => {
    const hazard = duringWrite
    duringWrite = undefined
    hazard?.()
  }
  const sendingRecords = new SharedSendingRecords(() => Math.floor(random() * maxStorageDelay), beforeCommit)
  const open: SimTab[] = []
  const closed: Map<string, string>[] = []
  let count = 0

  const openTab = (sessionValues = new Map<string, string>()): SimTab => {
    const env = clock.fork()
    let held = 0
    let dead = false
    /** Names this page in the lock manager, which frees what the page still holds when it goes. */
    const page = {}
    const tabLocks: LockManagerPort = {
      request: async (name, lockOptions, callback) => {
        // A lock request goes to the browser process and back: a new lock exists for other tabs only after that.
        await new Promise<void>((resolve) => env.setTimeout(() => resolve(), 1))
        return locks.request(name, { ...lockOptions, owner: page }, async (lock) => {
          // A page that went away holds nothing: a grant that reaches it is released at once.
          if (dead) return undefined as never
          // Locks that name a session are held for the life of the tab: only the refresh lock counts here.
          const counts = lock !== null && name.endsWith(':refresh')
          if (counts) held++
          try {
            return await callback(lock)
          } finally {
            if (counts) held--
          }
        })
      },
      query: () => locks.query(),
    }
    env.randomSource = seededRandom(Math.floor(random() * 2 ** 31))
    const id = String(count++)
    const auth = createAuthClient({
      refreshUrl: `${server.origin}/auth/refresh`,
      loginUrl: `${server.origin}/auth/login`,
      logoutUrl: `${server.origin}/auth/logout`,
      refreshToken: mode,
      storage: committedLater(sharedStorage, env, () => Math.floor(random() * maxStorageDelay), beforeCommit),
      ...(persistAccessToken ? { persistAccessToken: sessionStorageOf(sessionValues) } : {}),
      environment: {
        ...env,
        fetch: network.fetchFor(env, id),
        locks: tabLocks,
        openChannel: hub.connect(env).openChannel,
        sharedMarks: marks.portFor(env),
        sendingRecords: sendingRecords.portFor(env),
      },
    })
    const tab: SimTab = {
      id,
      auth,
      env,
      sessionValues,
      events: [],
      locksHeld: () => held,
      kill: () => {
        // The page is gone: nothing of it runs again, its locks are free, its answers on the wire are dropped.
        env.freeze()
        dead = true
        // Only what it still holds: a lock another tab took over from it is that tab's.
        locks.releaseHeldBy(page)
        network.dropTab(id)
      },
    }
    auth.onEvent((event) => {
      tab.events.push({ ...event, at: clock.now() })
      if (process.env.TOKENLIFE_SIM_LOG) process.stdout.write(`${clock.now() - Date.UTC(2026, 0, 1)} tab ${id} ${JSON.stringify(event)}\n`)
    })
    open.push(tab)
    void auth.start()
    return tab
  }

  /**
   * The tab goes away without a logout (its storage is kept for a restore). As in a browser, the page simply stops:
   * no cleanup runs, its locks are freed, and answers still on the wire are dropped with it.
   */
  const closeTab = (tab: SimTab, keepForRestore = true): void => {
    tab.kill()
    marks.forget(tab.env)
    open.splice(open.indexOf(tab), 1)
    if (keepForRestore) closed.push(new Map(tab.sessionValues))
  }

  return {
    clock,
    server,
    network,
    hub,
    locks,
    /** The shared marks (`localStorage`), each tab's view arriving late. */
    marks,
    open,
    openTab,
    closeTab,
    /** Reopens the most recently closed tab with the sessionStorage it had (reopen-closed-tab). */
    restoreTab: (): SimTab | undefined => {
      const values = closed.pop()
      return values && openTab(values)
    },
    /** The browser discarded the tab and the user reloads it: a new client over the same sessionStorage. */
    discardAndReload: (tab: SimTab): SimTab => {
      closeTab(tab, false)
      return openTab(tab.sessionValues)
    },
    random,
    /**
     * `hazard` strikes once, in the middle of the next IndexedDB write of any tab (a refresh's record, storage mode's
     * store): after the write began, before it commits. For a device that goes to sleep while code awaits a write.
     */
    duringNextWrite: (hazard: () => void) => {
      duringWrite = hazard
    },
    /** From now on every network leg takes `ms` (or, with `undefined`, a random latency again). */
    setLatency: (ms: number | undefined) => {
      fixedLatency.ms = ms
    },
  }
}

/** The simulated browser returned by {@link createSimBrowser}. */
export type SimBrowser = ReturnType<typeof createSimBrowser>

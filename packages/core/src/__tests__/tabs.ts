import { createFakeAuthServer, FakeChannelHub, FakeElectionHub, FakeEnvironment, FakeLockManager } from '@tokenlife/test-utils'
import { createElectionLocks } from '../electionLocks'
import { createAuthClient, type AuthClient, type AuthClientOptions, type StorageAdapter } from '../index'
import { memoryStorage } from '../storage/memoryStorage'
import { mswServer } from './setup'

export interface Tab {
  /** Sent as `x-test-tab` on this tab's requests, so the fake server can tell tabs apart. */
  id: string
  auth: AuthClient
  env: FakeEnvironment
  link: ReturnType<FakeChannelHub['connect']>
  /** Reasons passed to this tab's onSessionEnd callbacks. */
  cleanups: string[]
}

/** Leader-election timing for tests (real milliseconds): quick, so a test of the fallback lock takes well under a second. */
export const electionTiming = { responseTime: 10, fallbackInterval: 40 }

/**
 * Many tabs of one origin in one process: one fake clock, one lock manager, one channel hub, one shared storage
 * (IndexedDB is shared by tabs of an origin) and one fake auth server with rotation and reuse detection. With
 * `locks: 'election'` the lock is the browser's fallback instead: each tab elects over its own link to one
 * {@link FakeElectionHub} (in `election.links`, in tab order), on real timers.
 */
export function createBrowser(
  options: { mode?: 'cookie' | 'storage'; lifetime?: number; sharedStorage?: boolean; locks?: boolean | 'election' } & Partial<AuthClientOptions> = {},
) {
  const { mode = 'storage', lifetime = 60, sharedStorage = true, locks: useLocks = true, ...clientOptions } = options
  const env = new FakeEnvironment()
  const server = createFakeAuthServer({ now: () => env.now(), accessTokenLifetime: lifetime })
  mswServer.use(...server.handlers)
  const locks = new FakeLockManager()
  // `locks: 'election'`: each tab gets the browser's fallback, a leader election over its own link to one transport.
  const election = new FakeElectionHub()
  const links: ReturnType<FakeElectionHub['connect']>[] = []
  const lockFor = () => {
    if (useLocks !== 'election') return useLocks ? locks : undefined
    const link = election.connect()
    links.push(link)
    return createElectionLocks({ channel: link.channel, election: electionTiming })
  }
  const hub = new FakeChannelHub()
  const storage: StorageAdapter = memoryStorage()
  const tabs: Tab[] = []

  const openTab = (extra: Partial<AuthClientOptions> = {}): Tab => {
    const tabEnv = env.fork()
    const id = String(tabs.length)
    tabEnv.fetch = (input, init) => {
      const headers = new Headers(init?.headers)
      headers.set('x-test-tab', id)
      return globalThis.fetch(input, { ...init, headers })
    }
    const link = hub.connect()
    const auth = createAuthClient({
      refreshUrl: `${server.origin}/auth/refresh`,
      loginUrl: `${server.origin}/auth/login`,
      logoutUrl: `${server.origin}/auth/logout`,
      refreshToken: mode,
      storage: sharedStorage ? storage : memoryStorage(),
      ...clientOptions,
      ...extra,
      environment: { ...tabEnv, locks: lockFor(), openChannel: link.openChannel, ...extra.environment },
    })
    const tab: Tab = { id, auth, env: tabEnv, link, cleanups: [] }
    auth.onSessionEnd((reason) => {
      tab.cleanups.push(reason)
    })
    tabs.push(tab)
    return tab
  }

  return { env, server, locks, hub, election: { hub: election, links }, storage, tabs, openTab }
}

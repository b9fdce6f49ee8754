// Tabs of one origin with `dpop: true` against the fake DPoP server: one fake clock, lock manager, channel hub,
// shared storage and shared marks (localStorage), and IndexedDB (fake-indexeddb) for the keys, as in a browser.
import 'fake-indexeddb/auto'
import { FakeChannelHub, FakeEnvironment, FakeLockManager, settle } from '@tokenlife/test-utils'
import { createStore, entries } from 'idb-keyval'
import { createAuthClient, type AuthClient, type AuthClientOptions, type AuthEvent } from '../index'
import { memoryStorage } from '../storage/memoryStorage'
import { createDpopServer, type DpopServerOptions } from './dpopServer'
import { mswServer } from './setup'

let namespaces = 0

/** A DPoP tab: its environment (a fork of the shared clock) and client, and the events it saw. */
export interface DpopTab {
  env: FakeEnvironment
  auth: AuthClient
  events: AuthEvent[]
}

/** A browser of DPoP tabs against one fake DPoP server; each call gets its own namespace (and so its own keys). */
export function dpopBrowser(options: Partial<AuthClientOptions> & Partial<Omit<DpopServerOptions, 'now'>> & { serverSkewMs?: number } = {}) {
  const { requireNonce, lifetime, origin, serverSkewMs = 0, ...clientOptions } = options
  const env = new FakeEnvironment()
  const server = createDpopServer({ now: () => env.now() + serverSkewMs, requireNonce, lifetime, origin })
  mswServer.use(...server.handlers)
  const hub = new FakeChannelHub()
  const locks = new FakeLockManager()
  const storage = memoryStorage()
  const namespace = `dpop-${++namespaces}`
  const tabs: DpopTab[] = []
  const openTab = (extra: Partial<AuthClientOptions> = {}): DpopTab => {
    const tabEnv = env.fork()
    const auth = createAuthClient({
      refreshUrl: `${server.origin}/token`,
      loginUrl: `${server.origin}/login`,
      logoutUrl: `${server.origin}/revoke`,
      refreshToken: 'storage',
      storage,
      namespace,
      dpop: true,
      ...clientOptions,
      ...extra,
      environment: { ...tabEnv, locks, openChannel: hub.connect().openChannel, ...extra.environment },
    })
    const events: AuthEvent[] = []
    auth.onEvent((event) => events.push(event))
    const tab = { env: tabEnv, auth, events }
    tabs.push(tab)
    return tab
  }
  /** Lets `promise` settle while the fake clock runs (crypto and IndexedDB take real time). */
  const wait = <T>(promise: Promise<T>) => settle(env, promise, { stepMs: 5, realMs: 1 })
  /** The key records and the session binding this namespace has in IndexedDB. */
  const keyStore = async () => {
    const all = await entries<string, unknown>(createStore('tokenlife-dpop', 'keys'))
    const mine = all.filter(([name]) => name.startsWith(`${namespace}:`))
    const records = mine.filter(([name]) => name.includes(':key:')).map(([, value]) => value as { jkt: string; keyPair: CryptoKeyPair; createdAt: number })
    const session = mine.find(([name]) => name === `${namespace}:session`)?.[1] as string | undefined
    return { records, session }
  }
  return { env, server, hub, locks, storage, namespace, tabs, openTab, wait, keyStore }
}

/** Signs the first tab in through `login()` (the login is signed with a new key). */
export async function signedIn(options: Parameters<typeof dpopBrowser>[0] = {}) {
  const browser = dpopBrowser(options)
  const tab = browser.openTab()
  await browser.wait(tab.auth.login({ user: 'ada', password: 'x' }))
  return { ...browser, tab }
}

/** Resolves once `condition()` holds (polled every real millisecond); drive it with `wait()` so fake time runs too. */
export async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 1))
}

import { createAuthClient, memoryStorage, type AuthClient, type AuthClientOptions } from '@tokenlife/core'
import type { HttpHandler } from 'msw'
import { createFakeAuthServer, type FakeAuthServer } from './fakeAuthServer'
import { FakeChannelHub } from './fakeChannelHub'
import { FakeEnvironment } from './fakeEnvironment'
import { FakeLockManager } from './fakeLockManager'

/** Options for {@link createTestClient}: client options to override, plus the fake server's token lifetime. */
export interface TestClientOptions extends Partial<AuthClientOptions> {
  /** Access-token lifetime, seconds. Default 60. */
  lifetime?: number
}

/** One simulated tab: its environment (a fork of the shared clock) and its client. */
export interface TestTab {
  env: FakeEnvironment
  auth: AuthClient
  /** How many `auth.subscribe()` subscriptions are live right now (to catch leaked listeners). */
  subscriptions(): number
}

/** What {@link createTestClient} returns: the first tab, the server, and a way to open more tabs. */
export interface TestClient extends TestTab {
  server: FakeAuthServer
  /** The simulated BroadcastChannel every tab of this test is connected to. */
  hub: FakeChannelHub
  /** The Web Locks stand-in every tab shares. */
  locks: FakeLockManager
  /** Another tab of the same browser: same clock, server (cookie jar) and channel hub; its own client. */
  openTab(options?: Partial<AuthClientOptions>): TestTab
}

/**
 * A client against a fake auth server, both on one hand-driven {@link FakeEnvironment} clock, for binding tests.
 * Installs the server's handlers on `msw` (a `setupServer()` from `msw/node`). Storage is in memory; tabs opened
 * with {@link TestClient.openTab} share a {@link FakeLockManager} and talk through a {@link FakeChannelHub}. Drive
 * the clock with `runFor(env, ms)` so cross-tab waits (the first tab query) and responses play out.
 *
 * @example
 * ```ts
 * const mswServer = setupServer()
 * const { env, server, auth, openTab } = createTestClient(mswServer)
 * server.issueSession() // the cookie jar now holds a session
 * void auth.start()
 * await runFor(env, 1_000) // start() settles (the first tab query waits 100 ms)
 * await runFor(env, 50_000) // the scheduled refresh fires
 * await openTab().auth.logout() // "another tab" logs out
 * ```
 */
export function createTestClient(msw: { use(...handlers: HttpHandler[]): void }, options: TestClientOptions = {}): TestClient {
  const { lifetime = 60, ...first } = options
  const env = new FakeEnvironment()
  const hub = new FakeChannelHub()
  const locks = new FakeLockManager()
  const server = createFakeAuthServer({ now: env.now, accessTokenLifetime: lifetime })
  msw.use(...server.handlers)
  const open = (tabEnv: FakeEnvironment, clientOptions: Partial<AuthClientOptions>): TestTab => {
    const auth = createAuthClient({
      refreshUrl: `${server.origin}/auth/refresh`,
      loginUrl: `${server.origin}/auth/login`,
      logoutUrl: `${server.origin}/auth/logout`,
      storage: memoryStorage(),
      ...clientOptions,
      environment: { ...tabEnv, locks, openChannel: hub.connect().openChannel, ...clientOptions.environment },
    })
    let live = 0
    const subscribe = auth.subscribe
    auth.subscribe = (listener) => {
      const unsubscribe = subscribe(listener)
      let active = true
      live++
      return () => {
        if (active) live--
        active = false
        unsubscribe()
      }
    }
    return { env: tabEnv, auth, subscriptions: () => live }
  }
  return { ...open(env, first), server, hub, locks, openTab: (tabOptions = {}) => open(env.fork(), tabOptions) }
}

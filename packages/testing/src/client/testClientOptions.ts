import type { AuthClientOptions } from '@tokenlife/core'
import { describe, kitError } from '../diagnostics/kitError'
import { MockAuthServer } from '../server/mockAuthServer'
import { defaultTestUser, type MockUser } from '../server/mockUsers'
import type { MockAuthServerOptions } from '../server/serverOptions'
import type { TestClock } from './testClock'
import { defaultPageUrl, type RoutedServer } from './testEnvironment'
import type { TestSessionState } from './testStates'

/** The app's own client options a scripted client takes (its environment and storage are the scripted browser's). */
export type TestClientSettings = Omit<Partial<AuthClientOptions>, 'environment' | 'storage' | 'refreshToken'>

/**
 * Options of {@link createTestAuthClient} (and of the test providers). Everything is optional.
 *
 * @example
 * ```ts
 * const options: TestAuthClientOptions = {
 *   state: 'signed-in',
 *   user: { email: 'grace@example.com', claims: { name: 'Grace Hopper', role: 'admin' } },
 *   accessTokenTtl: 60,
 *   client: { refreshUrl: '/api/auth/refresh', loginUrl: '/api/auth/login', logoutUrl: '/api/auth/logout' },
 * }
 * ```
 */
export interface TestAuthClientOptions {
  /** The state to start in. Default `'signed-in'`. */
  state?: TestSessionState
  /**
   * Who is signed in: fields over {@link defaultTestUser} (`ada@example.com`, `sub` `user-1`). `claims` go into every
   * token (`useAuth().claims`). Ignored when `server` is a {@link MockAuthServer}: its first user signs in.
   */
  user?: Partial<MockUser>
  /** How long the access tokens live, seconds. Default 300 (a refresh every 4 minutes). */
  accessTokenTtl?: number
  /** Where the refresh token lives, as in the app's `createAuthClient()`. Default `'cookie'`. */
  refreshToken?: 'cookie' | 'storage'
  /** Sessions carry an OpenID Connect ID token with the user's claims (`state.user`, `state.idToken`). Default `false`. */
  idToken?: boolean
  /**
   * The app's client options (endpoints, `namespace`, `timing`, `allowedOrigins`, `oauthClientId`, …), so the
   * client is configured as the app's. The endpoints default to the server's on the page's origin. `timing.spreadRatio`
   * defaults to `0` here: every refresh is due at the steady point (lifetime − margin, 80 % of the lifetime by default),
   * not at a random point of the window as in the app; set it to test the spread.
   */
  client?: TestClientSettings
  /** The mock server: a {@link MockAuthServer} you also give to msw, or options for a new one (on the fake clock). */
  server?: MockAuthServer | MockAuthServerOptions
  /** More servers the scripted browser's requests go to (e.g. a {@link MockOidcProvider}); the rest go to `fetch`. */
  routes?: RoutedServer[]
  /** Where the fake clock starts, epoch ms. Default: now. */
  now?: number
  /** The page's URL (its origin may receive the token). Default: `location.href` under jsdom / happy-dom, else `http://localhost/`. */
  pageUrl?: string
}

/** The options worked out: the server, the client's options, who signs in. */
export interface TestClientSetup {
  server: MockAuthServer
  routes: RoutedServer[]
  clientOptions: AuthClientOptions
  credentials: { email: string; password: string }
  pageUrl: string
}

const known = new Set(['state', 'user', 'accessTokenTtl', 'refreshToken', 'idToken', 'client', 'server', 'routes', 'now', 'pageUrl'])

const isPlainObject = (value: unknown): value is object => typeof value === 'object' && value !== null && !Array.isArray(value)

/** Checks the options (TL807) and builds the server and the client's options. */
export function testClientSetup(options: TestAuthClientOptions, clock: TestClock): TestClientSetup {
  if (typeof options !== 'object' || options === null) throw kitError(TypeError, 'TL807', 'options', describe(options))
  for (const name of Object.keys(options)) if (!known.has(name)) throw kitError(TypeError, 'TL807', name, 'an unknown option')
  const mode = options.refreshToken ?? 'cookie'
  if (mode !== 'cookie' && mode !== 'storage') throw kitError(TypeError, 'TL807', 'refreshToken', describe(mode))
  const client = options.client ?? {}
  const pageUrl = options.pageUrl ?? defaultPageUrl()
  let server: MockAuthServer
  let credentials: { email: string; password: string }
  if (MockAuthServer.is(options.server)) {
    server = options.server
    credentials = server.users[0]!
  } else {
    const user: MockUser = { ...defaultTestUser, ...options.user, claims: { ...(options.user?.claims ?? defaultTestUser.claims) } }
    credentials = user
    const path = (url: string | undefined) => (url === undefined ? undefined : new URL(url, pageUrl).pathname)
    const endpoints = { login: path(client.loginUrl), refresh: path(client.refreshUrl), logout: path(client.logoutUrl) }
    server = new MockAuthServer({
      users: [user],
      ...(options.accessTokenTtl === undefined ? {} : { accessTokenTtl: options.accessTokenTtl }),
      idTokens: options.idToken === true,
      ...(client.oauthClientId === undefined ? {} : { clientId: client.oauthClientId }),
      ...options.server,
      endpoints: { ...Object.fromEntries(Object.entries(endpoints).filter(([, value]) => value !== undefined)), ...options.server?.endpoints },
      now: clock.now,
      wait: (ms) => new Promise((resolve) => clock.setTimeout(resolve, ms)),
    })
  }
  const endpoint = (name: 'login' | 'refresh' | 'logout') => new URL(server.endpoints[name], server.origin ?? pageUrl).href
  const clientOptions: AuthClientOptions = {
    refreshUrl: endpoint('refresh'),
    loginUrl: endpoint('login'),
    logoutUrl: endpoint('logout'),
    ...client,
    // Refreshes at the steady point (lifetime − margin), not at a random point of the window: a test's advance()
    // then finds the scheduled refresh where it expects it. The app's own spreadRatio still wins.
    timing: isPlainObject(client.timing) ? { spreadRatio: 0, ...client.timing } : (client.timing ?? { spreadRatio: 0 }),
    refreshToken: mode,
  }
  return { server, routes: options.routes ?? [], clientOptions, credentials: { email: credentials.email, password: credentials.password }, pageUrl }
}

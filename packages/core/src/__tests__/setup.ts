import { FakeEnvironment, createFakeAuthServer, type FakeAuthServer } from '@tokenlife/test-utils'
import { setupServer } from 'msw/node'
import { afterAll, afterEach, beforeAll } from 'vitest'
import { createAuthClient, type AuthClientOptions, type AuthEvent, type AuthState } from '../index'
import { memoryStorage } from '../storage/memoryStorage'
import { decodeClaims } from '../tokens'

/** One msw server for the whole file; handlers are installed per test. */
export const mswServer = setupServer()
beforeAll(() => mswServer.listen({ onUnhandledRequest: 'error' }))
afterEach(() => mswServer.resetHandlers())
afterAll(() => mswServer.close())

/** What {@link setup} takes besides client options. */
export interface SetupOptions extends Partial<AuthClientOptions> {
  /** The fake server's clock minus the client's, ms (the client's clock is wrong by minus this). */
  serverSkewMs?: number
  /** Access-token lifetime, seconds. Default 60. */
  lifetime?: number
  /** Whether token responses carry `expires_in`. Default true. */
  expiresIn?: boolean
  /** Whether token responses carry a `Date` header. Default true. */
  dateHeader?: boolean
  /** Run on this environment (e.g. `other.env.fork()` for a second tab on the same clock). Default: a new one. */
  env?: FakeEnvironment
  /** Talk to this server (e.g. another setup's, to share its sessions) instead of a new one. */
  server?: FakeAuthServer
  /** The new server's origin, so two servers can live in one test. Default `https://auth.test`. */
  origin?: string
}

/**
 * A client against a fake auth server, both on one fake clock; `states` records every state a subscriber saw and
 * `events` every event.
 */
export function setup(options: SetupOptions = {}) {
  const { serverSkewMs = 0, lifetime = 60, expiresIn, dateHeader, env: givenEnv, server: givenServer, origin, ...clientOptions } =
    options
  const env = givenEnv ?? new FakeEnvironment()
  const server =
    givenServer ??
    createFakeAuthServer({
      now: () => env.now() + serverSkewMs,
      origin,
      accessTokenLifetime: lifetime,
      expiresIn,
      dateHeader,
    })
  if (!givenServer) mswServer.use(...server.handlers)
  const auth = createAuthClient({
    refreshUrl: `${server.origin}/auth/refresh`,
    loginUrl: `${server.origin}/auth/login`,
    logoutUrl: `${server.origin}/auth/logout`,
    storage: memoryStorage(),
    ...clientOptions,
    environment: { ...env, ...clientOptions.environment },
  })
  const states: AuthState[] = []
  auth.subscribe((state) => states.push(state))
  const events: AuthEvent[] = []
  auth.onEvent((event) => events.push(event))
  return { env, server, auth, states, events }
}

/** The `exp` claim of a JWT access token, as epoch ms (on the server's clock). */
export function expiryOf(accessToken: string): number {
  return (decodeClaims(accessToken)?.exp ?? Number.NaN) * 1000
}

import { FakeEnvironment, createFakeAuthServer } from '@tokenlife/test-utils'
import { setupServer } from 'msw/node'
import { afterAll, afterEach, beforeAll } from 'vitest'
import { createAuthClient, type AuthClientOptions, type AuthState } from '../index'
import { memoryStorage } from '../storage/memoryStorage'

/** One msw server for the whole file; handlers are installed per test. */
export const mswServer = setupServer()
beforeAll(() => mswServer.listen({ onUnhandledRequest: 'error' }))
afterEach(() => mswServer.resetHandlers())
afterAll(() => mswServer.close())

/** A client against a fake auth server, both on one fake clock; `states` records every state a subscriber saw. */
export function setup(
  options: Partial<AuthClientOptions> & { serverSkewMs?: number; lifetime?: number; expiresIn?: boolean } = {},
) {
  const { serverSkewMs = 0, lifetime = 60, expiresIn, ...clientOptions } = options
  const env = new FakeEnvironment()
  const server = createFakeAuthServer({
    now: () => env.now() + serverSkewMs,
    accessTokenLifetime: lifetime,
    expiresIn,
  })
  mswServer.use(...server.handlers)
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
  return { env, server, auth, states }
}

import { createTestClient, runFor, type FakeEnvironment, type TestClientOptions } from '@tokenlife/test-utils'
import { act, cleanup } from '@testing-library/react'
import { setupServer } from 'msw/node'
import { afterAll, afterEach, beforeAll } from 'vitest'
import { useAuth } from '../index'

/** One msw server per test file; each test installs its own fake auth server's handlers. */
export const mswServer = setupServer()
beforeAll(() => mswServer.listen({ onUnhandledRequest: 'error' }))
afterEach(() => {
  cleanup()
  mswServer.resetHandlers()
})
afterAll(() => mswServer.close())

/** A client on a fake clock against a fake auth server (see `createTestClient`). */
export const setup = (options?: TestClientOptions) => createTestClient(mswServer, options)

/**
 * Lets `ms` of fake time pass (timers fire, msw answers, promises settle; see `runFor`) inside `act`, so React
 * commits what follows. One second covers a start or a sign-in; the 60 s tokens refresh at ~50 s.
 */
export const passTime = (env: FakeEnvironment, ms = 1_000) => act(() => runFor(env, ms))

/** Shows what `useAuth()` sees: `status|reason|jti` (the jti tells access tokens apart), plus the actions. */
export function Status({ onRender }: { onRender?: () => void }) {
  onRender?.()
  const { status, reason, claims, login, logout } = useAuth()
  return (
    <div>
      <p data-testid="status">{`${status}|${reason ?? ''}|${String(claims?.jti ?? '')}`}</p>
      <button onClick={() => void login({ username: 'ada', password: 'secret' })}>sign in</button>
      <button onClick={() => void logout()}>sign out</button>
    </div>
  )
}


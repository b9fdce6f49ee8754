import { createTestClient, runFor, type FakeEnvironment, type TestClientOptions } from '@tokenlife/test-utils'
import { setupServer } from 'msw/node'
import { afterAll, afterEach, beforeAll } from 'vitest'
import { defineComponent, h, nextTick } from 'vue'
import { useAuth } from '../index'

/** One msw server per test file; each test installs its own fake auth server's handlers. */
export const mswServer = setupServer()
beforeAll(() => mswServer.listen({ onUnhandledRequest: 'error' }))
afterEach(() => mswServer.resetHandlers())
afterAll(() => mswServer.close())

/** A client on a fake clock against a fake auth server (see `createTestClient`). */
export const setup = (options?: TestClientOptions) => createTestClient(mswServer, options)

/**
 * Lets `ms` of fake time pass (timers fire, msw answers, promises settle; see `runFor`), then lets Vue patch the
 * DOM. One second covers a start or a sign-in; the 60 s tokens refresh at ~50 s.
 */
export async function passTime(env: FakeEnvironment, ms = 1_000): Promise<void> {
  await runFor(env, ms)
  await nextTick()
}

/** Shows what `useAuth()` sees as `status|reason|jti` (the jti tells access tokens apart). */
export const Status = defineComponent({
  setup() {
    const { status, reason, claims } = useAuth()
    return () => h('p', { 'data-testid': 'status' }, `${status.value}|${reason.value ?? ''}|${String(claims.value?.jti ?? '')}`)
  },
})

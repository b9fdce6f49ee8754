import type { AuthClient } from '@tokenlife/core'
import type { FakeEnvironment } from './fakeEnvironment'
import { runFor } from './runFor'

/**
 * Starts `auth` (a client with an idle timeout) and lets fake time pass, a second at a time, until its idle store
 * warns; throws if it has not after `maxMs`.
 *
 * @example
 * ```ts
 * const { env, auth, server } = createTestClient(msw, { idle: idleTimeout({ timeoutMs: 300_000 }) })
 * server.issueSession()
 * await untilIdleWarning(env, auth) // 4 minutes of fake time: the last minute warns
 * ```
 */
export async function untilIdleWarning(env: FakeEnvironment, auth: AuthClient, maxMs = 3_600_000): Promise<void> {
  const started = auth.start()
  for (let waited = 0; auth.idle.getState().status !== 'warning'; waited += 1_000) {
    if (waited >= maxMs) throw new Error(`untilIdleWarning(): no idle warning within ${maxMs} ms of fake time`)
    await runFor(env, 1_000)
  }
  await started
}

// Scenario 4: a password change on one device ends the same user's session on another device at its next refresh,
// while the device that changed the password keeps its session.
import { describe, expect, test } from 'vitest'
import {
  APPS,
  events,
  openApp,
  refreshesSince,
  signIn,
  statusesSince,
  tokenExpiresAt,
  TTL_MS,
  userFor,
  waitForStatus,
  Watcher,
  useE2eStack,
} from './harness'

const stack = useE2eStack()

describe.each(APPS)('$name app', (app) => {
  test('change password on device A: device B is signed out (revoked) at its next refresh, A stays', async () => {
    const user = userFor(app)
    const watcher = new Watcher()
    const [deviceA, deviceB] = [await stack.newContext(watcher), await stack.newContext(watcher)]
        const a = await openApp(deviceA, stack.server, app)
    await signIn(a, user)
    const b = await openApp(deviceB, stack.server, app)
    await signIn(b, user)
    const before = { versionMismatches: stack.server.stats.versionMismatches, passwordChanges: stack.server.stats.passwordChanges }

    await a.getByTestId('change-password-current').fill(user.password)
    await a.getByTestId('change-password-new').fill(`${user.password}-changed`)
    await a.getByTestId('change-password-submit').click()
    await expect.poll(() => a.getByTestId('change-password-result').getAttribute('data-outcome')).toBe('success')
    const changedAt = Date.now()
    expect(stack.server.stats.passwordChanges - before.passwordChanges).toBe(1)
    // A took the fresh pair the server answered with.
    expect((await events(a)).filter((event) => event.type === 'session-started').at(-1)).toEqual({
      type: 'session-started',
      detail: 'setTokens',
    })

    // B: signed out at its next refresh (within one lifetime), and told why.
    await waitForStatus(b, 'unauthenticated', TTL_MS + 5000)
    await expect.poll(() => b.getByTestId('signed-out-reason').getAttribute('data-reason')).toBe('revoked')
    expect(stack.server.stats.versionMismatches - before.versionMismatches).toBe(1)
    expect((await events(b)).filter((event) => event.type === 'session-ended')).toEqual([
      { type: 'session-ended', detail: 'revoked' },
    ])
    await expect(b.getByTestId('access-token').count()).resolves.toBe(0)

    // A: keeps its session past its own next refresh, which the server grants.
    const expiryAfterChange = await tokenExpiresAt(a)
    await expect.poll(() => tokenExpiresAt(a), { timeout: TTL_MS + 5000 }).toBeGreaterThan(expiryAfterChange)
    expect(refreshesSince(stack.server, changedAt).filter((entry) => entry.outcome === 'success').length).toBeGreaterThanOrEqual(1)
    expect(await statusesSince(a, changedAt)).toEqual(['authenticated'])
    await a.getByTestId('api-call').click()
    await expect.poll(() => a.getByTestId('api-status').getAttribute('data-status')).toBe('200')
    const callsOfA = watcher.apiResponses.filter((response) => response.page === 0)
    expect(callsOfA.filter((response) => response.status !== 200)).toEqual([])

    // B's refused refresh shows up in its console as the browser's note on a 400: allowed, like the first visit's.
    watcher.expectClean()
  })
})

// Scenario 1: signed in, the access token is renewed silently, lifetime after lifetime, while the page uses the API.
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
  Watcher,
  useE2eStack,
} from './harness'

const stack = useE2eStack()

describe.each(APPS)('$name app', (app) => {
  test('renews the token silently across lifetimes while the page calls the API', async () => {
    const watcher = new Watcher()
    const context = await stack.newContext(watcher)
    const page = await openApp(context, stack.server, app)
    const apiBefore = { requests: stack.server.stats.apiRequests, unauthorized: stack.server.stats.apiUnauthorized }
    await signIn(page)
    const signedInAt = Date.now()
    const firstExpiry = await tokenExpiresAt(page)

    // Use the API through `createAuthHttp(auth)` (`@tokenlife/core/ky`) (button) on top of the app's own 5-second poll,
    // until the session has lived through two more lifetimes (the page holds a token that expires two lifetimes after
    // the first one) and at least 8 calls were made: however slowly the machine runs, the scenario is the same.
    const renewedTwice = async () => (await tokenExpiresAt(page)) > firstExpiry + 2 * TTL_MS - 1000
    let clicks = 0
    while (clicks < 8 || !(await renewedTwice())) {
      if (Date.now() - signedInAt > 30 * TTL_MS) throw new Error('the session was not renewed twice in 30 lifetimes')
      await Promise.all([
        page.waitForResponse((response) => new URL(response.url()).pathname === '/api/data', { timeout: 10 * TTL_MS }),
        page.getByTestId('api-call').click(),
      ])
      clicks++
      await page.waitForTimeout(400) // pacing between clicks, not a wait for a condition
    }
    await expect.poll(() => page.getByTestId('api-status').getAttribute('data-status')).toBe('200')

    // Every API call succeeded: no 401 on an expired token, no network failure.
    const calls = watcher.apiResponses.filter((response) => response.at >= signedInAt)
    expect(calls.length).toBeGreaterThanOrEqual(8)
    expect(calls.filter((response) => response.status !== 200)).toEqual([])
    expect(watcher.apiFailures).toEqual([])
    expect(stack.server.stats.apiUnauthorized - apiBefore.unauthorized).toBe(0)
    expect(stack.server.stats.apiRequests - apiBefore.requests).toBeGreaterThanOrEqual(calls.length)

    // The token was renewed (at least once per lifetime), and every refresh succeeded.
    const refreshes = refreshesSince(stack.server, signedInAt)
    expect(refreshes.length).toBeGreaterThanOrEqual(2)
    expect(refreshes.filter((entry) => entry.outcome !== 'success')).toEqual([])
    expect(await tokenExpiresAt(page)).toBeGreaterThan(firstExpiry + 2 * TTL_MS - 1000)
    expect(await tokenExpiresAt(page)).toBeGreaterThan(Date.now())
    const log = await events(page)
    expect(log.filter((event) => event.type === 'refresh-succeeded').length).toBeGreaterThanOrEqual(2)
    expect(log.filter((event) => event.type === 'refresh-failed' || event.type === 'session-ended')).toEqual([])

    // Signed in all along, without a flicker of another status.
    expect(await statusesSince(page, signedInAt)).toEqual(['authenticated'])
    await expect.poll(() => page.getByTestId('status-pill').getAttribute('data-status')).toBe('authenticated')
    watcher.expectClean()
  })
})

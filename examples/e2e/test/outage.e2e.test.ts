// Scenario 5: refreshes that fail for network reasons (the request cut off, the server down and restarted) are
// transient: the session survives them, and the next refresh after the outage succeeds without a new sign-in.
import { randomBytes } from 'node:crypto'
import type { Page } from 'playwright'
import { describe, expect, test } from 'vitest'
import {
  APPS,
  events,
  openApp,
  refreshesSince,
  signIn,
  stopApiPoll,
  statusesSince,
  tokenExpiresAt,
  TTL_MS,
  Watcher,
  type ConsoleError,
  startE2eServer,
  useE2eStack,
} from './harness'

// Kept so the server can be restarted with the same store and signing key, as after a deploy.
const jwtSecret = randomBytes(32)
const stack = useE2eStack({ jwtSecret })

const failedRefreshes = async (page: Page) =>
  (await events(page)).filter((event) => event.type === 'refresh-failed').length

/** Waits until the page has renewed its token after `since` and the server granted it; returns the new expiry. */
async function expectRecovered(page: Page, since: number, expiryBefore: number) {
  await expect.poll(() => tokenExpiresAt(page), { timeout: 20_000 }).toBeGreaterThan(expiryBefore)
  expect(await tokenExpiresAt(page)).toBeGreaterThan(Date.now())
  expect(refreshesSince(stack.server, since).filter((entry) => entry.outcome === 'success').length).toBeGreaterThanOrEqual(1)
  // In the page's own log: a successful refresh after the last failed one, and the session never ended.
  const log = await events(page)
  const lastFailure = log.map((event) => event.type).lastIndexOf('refresh-failed')
  expect(lastFailure).toBeGreaterThanOrEqual(0)
  expect(log.slice(lastFailure).map((event) => event.type)).toContain('refresh-succeeded')
  expect(log.filter((event) => event.type === 'session-ended')).toEqual([])
  // The API works again with the renewed token.
  await page.getByTestId('api-call').click()
  await expect.poll(() => page.getByTestId('api-status').getAttribute('data-status')).toBe('200')
}

/** The browser notes each refresh request the outage kills in the console; nothing else may show up there. */
const outageNoise = (error: ConsoleError) =>
  error.url.endsWith('/auth/refresh') && /net::ERR_(FAILED|CONNECTION_REFUSED)\b/.test(error.text)

describe.each(APPS)('$name app', (app) => {
  test('refresh requests cut off across a due refresh: the session survives, the next refresh succeeds', async () => {
    const watcher = new Watcher()
    const context = await stack.newContext(watcher)
    const page = await openApp(context, stack.server, app)
    await signIn(page)
    await stopApiPoll(page) // only the refresh schedule talks to the server; the API is called once, after recovery
    const signedInAt = Date.now()
    const logins = stack.server.stats.logins
    const expiryBefore = await tokenExpiresAt(page)

    let aborted = 0
    await page.route('**/auth/refresh', async (route) => {
      aborted += 1
      await route.abort('failed')
    })
    // The cut lasts past the token's expiry and through at least one retry.
    await expect.poll(() => aborted, { timeout: TTL_MS + 5000 }).toBeGreaterThanOrEqual(2)
    await expect.poll(() => Date.now() > expiryBefore, { timeout: TTL_MS + 5000 }).toBe(true)
    expect(await failedRefreshes(page)).toBeGreaterThanOrEqual(1)
    await page.getByTestId('session-error').waitFor()
    const requestsDuringCut = refreshesSince(stack.server, signedInAt).length
    expect(requestsDuringCut).toBe(0) // nothing got through: the cut was real

    const restoredAt = Date.now()
    await page.unroute('**/auth/refresh')
    await expectRecovered(page, restoredAt, expiryBefore)
    await page.getByTestId('session-error').waitFor({ state: 'detached' })

    expect(await statusesSince(page, signedInAt)).toEqual(['authenticated'])
    expect(stack.server.stats.logins).toBe(logins)
    expect(stack.server.stats.reuseDetected).toBe(0)
    watcher.expectClean(outageNoise)
  })

  test('the server goes down and restarts on the same port with the same store: the session survives', async () => {
    const watcher = new Watcher()
    const context = await stack.newContext(watcher)
    const page = await openApp(context, stack.server, app)
    await signIn(page)
    await stopApiPoll(page) // only the refresh schedule talks to the server; the API is called once, after recovery
    const signedInAt = Date.now()
    const expiryBefore = await tokenExpiresAt(page)
    const failuresBefore = await failedRefreshes(page)

    const { port, store } = stack.server
    await stack.server.close()
    // Down past the token's expiry, through at least one failed refresh.
    await expect.poll(() => failedRefreshes(page), { timeout: TTL_MS + 5000 }).toBeGreaterThan(failuresBefore)
    await expect.poll(() => Date.now() > expiryBefore, { timeout: TTL_MS + 5000 }).toBe(true)
    await page.getByTestId('session-error').waitFor()

    stack.server = await startE2eServer({ port, store, jwtSecret })
    expect(stack.server.port).toBe(port)
    const restartedAt = Date.now()
    await expectRecovered(page, restartedAt, expiryBefore)

    expect(await statusesSince(page, signedInAt)).toEqual(['authenticated'])
    expect(stack.server.stats.logins).toBe(0) // no new sign-in on the restarted stack.server
    expect(stack.server.stats.reuseDetected).toBe(0)
    watcher.expectClean(outageNoise)
  })
})

// The idle timeout in both demo apps: "you will be signed out in 0:0x" in every tab, "Stay signed in" or the mouse in
// one tab closes it in all of them, and without activity every tab signs out (reason idle) with one revocation.
import { describe, expect, test } from 'vitest'
import { APPS, signIn, userFor, waitForStatus, Watcher, useE2eStack } from './harness'

const stack = useE2eStack()
/** `?idle=20`: the demo's idle timeout is 20 s, with a 10 s warning. */
const IDLE_S = 20

describe.each(APPS)('$name app', (app) => {
  test('the idle dialog counts down in every tab; Stay signed in, or the mouse, in one tab closes it everywhere; then every tab signs out', async () => {
    const watcher = new Watcher()
    const context = await stack.newContext(watcher)
    const first = await context.newPage()
    await first.goto(`${stack.server.url}${app.path}?idle=${IDLE_S}`)
    await signIn(first, userFor(app))
    const second = await context.newPage()
    await second.goto(`${stack.server.url}${app.path}?idle=${IDLE_S}`)
    await waitForStatus(second, 'authenticated')

    // No input anywhere: both tabs warn (within the timeout), with an m:ss countdown of at most 10 s.
    for (const page of [first, second]) {
      await page.getByTestId('idle-dialog').waitFor({ timeout: IDLE_S * 1000 + 5_000 })
      expect(await page.getByTestId('idle-countdown').textContent()).toMatch(/^0:(0\d|10)$/)
    }
    // The button's click alone (a mouse on its way to it is activity already, and would cancel the warning first).
    await second.getByTestId('idle-stay').dispatchEvent('click')
    for (const page of [first, second]) await page.getByTestId('idle-dialog').waitFor({ state: 'hidden', timeout: 5_000 })
    expect(await first.getByTestId('status-pill').getAttribute('data-status')).toBe('authenticated')

    // Warned again; this time the user moves the mouse in the first tab: the dialog closes in both.
    await second.getByTestId('idle-dialog').waitFor({ timeout: IDLE_S * 1000 + 5_000 })
    await first.mouse.move(40, 40)
    await first.mouse.move(60, 80)
    for (const page of [first, second]) await page.getByTestId('idle-dialog').waitFor({ state: 'hidden', timeout: 5_000 })

    // Then nobody does anything: every tab signs out for inactivity, and the server revoked the session once.
    const logoutsBefore = stack.server.stats.logouts
    for (const page of [first, second]) {
      await waitForStatus(page, 'unauthenticated', IDLE_S * 1000 + 10_000)
      await expect.poll(() => page.getByTestId('signed-out-reason').getAttribute('data-reason')).toBe('idle')
    }
    await expect.poll(() => stack.server.stats.logouts - logoutsBefore).toBe(1)
    watcher.expectClean()
  }, 120_000)
})

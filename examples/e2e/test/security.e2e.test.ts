// Scenario 5: the hardened reference server in a real browser. Both apps run under its Content-Security-Policy (no
// inline script) without a single violation, and a cross-site form POST to /auth/logout cannot end the session.
import { describe, expect, test } from 'vitest'
import { APPS, openApp, signIn, userFor, useE2eStack, waitForStatus, Watcher } from './harness'

const stack = useE2eStack()

/** Runs in every page before the app: records each CSP violation the browser reports. */
function recordViolations() {
  const violations: string[] = []
  Object.defineProperty(window, '__cspViolations', { value: violations })
  document.addEventListener('securitypolicyviolation', (event) =>
    violations.push(`${event.violatedDirective} ${event.blockedURI}`),
  )
}

describe.each(APPS)('$name app', (app) => {
  test('runs under the CSP (no inline script, no violation) through sign-in, API calls and sign-out', async () => {
    const page = await fetch(`${stack.server.url}${app.path}`)
    const csp = page.headers.get('content-security-policy') ?? ''
    expect(csp).toContain("script-src 'self'")
    expect(csp).not.toContain('unsafe-inline')
    const html = await page.text()
    const scripts = html.match(/<script\b[^>]*>/g) ?? []
    expect(scripts.length).toBeGreaterThan(0)
    for (const tag of scripts) expect(tag).toMatch(/\ssrc="/) // every script is a file, none inline
    expect(html).not.toMatch(/\son[a-z]+=/i) // no inline event handlers

    const watcher = new Watcher()
    const context = await stack.newContext(watcher)
    await context.addInitScript(recordViolations)
    const tab = await openApp(context, stack.server, app)
    await signIn(tab, userFor(app))
    await tab.getByTestId('api-call').click()
    await expect.poll(() => tab.getByTestId('api-status').getAttribute('data-status')).toBe('200')
    await tab.getByTestId('logout').click()
    await waitForStatus(tab, 'unauthenticated')

    expect(await tab.evaluate(() => (window as unknown as { __cspViolations: string[] }).__cspViolations)).toEqual([])
    watcher.expectClean()
  })
})

test('a cross-site form POST to /auth/logout is refused (403) and leaves the session and its cookie alone', async () => {
  const watcher = new Watcher()
  const context = await stack.newContext(watcher)
  const [app] = APPS
  const tab = await openApp(context, stack.server, app)
  await signIn(tab)
  const cookieBefore = (await context.cookies()).find((cookie) => cookie.name === 'tokenlife_rt')
  expect(cookieBefore).toBeDefined()
  const logoutsBefore = stack.server.stats.logouts
  const refreshesBefore = stack.server.stats.refreshSuccesses
  const refreshFailuresBefore = stack.server.stats.refreshFailures

  // Another site (served by the browser context itself, with no CSP of ours) submits a form to our logout endpoint.
  await context.route('http://attacker.test/**', (route) =>
    route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>win a prize</title><body></body>' }),
  )
  const attacker = await context.newPage()
  await attacker.goto('http://attacker.test/')
  const answer = attacker.waitForResponse((response) => response.url().endsWith('/auth/logout'))
  await attacker.evaluate((target) => {
    const form = document.createElement('form')
    form.method = 'POST'
    form.action = target
    const field = Object.assign(document.createElement('input'), { name: 'everywhere', value: 'true' })
    form.append(field)
    document.body.append(form)
    form.submit()
  }, `${stack.server.url}/auth/logout`)
  const response = await answer
  expect(response.status()).toBe(403)
  expect(await response.json()).toEqual({
    error: 'access_denied',
    error_description: 'cross-site request refused: Origin http://attacker.test is not allowed',
  })

  // The refusal touches no cookie. (The value itself may have moved on: the page's own scheduled refresh rotates it
  // at about half of the 4-second lifetime, which a loaded machine reaches during this test.)
  expect(response.headers()['set-cookie']).toBeUndefined()
  expect(stack.server.stats.logouts).toBe(logoutsBefore)
  expect(stack.server.stats.logoutsEverywhere).toBe(0)
  expect(stack.server.stats.refreshFailures).toBe(refreshFailuresBefore)
  const cookieAfter = (await context.cookies()).find((cookie) => cookie.name === 'tokenlife_rt')
  expect(cookieAfter?.value).toMatch(/^.{20,}$/)
  if (stack.server.stats.refreshSuccesses === refreshesBefore) expect(cookieAfter?.value).toBe(cookieBefore?.value)
  // The session goes on: a reload restores it from the cookie.
  await tab.reload()
  await waitForStatus(tab, 'authenticated')
  watcher.expectClean((error) => error.url.endsWith('/auth/logout') && /status of 403\b/.test(error.text))
})

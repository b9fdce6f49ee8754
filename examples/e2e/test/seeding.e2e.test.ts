// E2E seeding with @tokenlife/testing: a test starts signed in without the sign-in screen, through tokenlife itself
// against the reference server (the login endpoint sets the refresh cookie; nothing of tokenlife's storage is
// written by hand), in both demo apps.
import { DEMO_USER } from '@tokenlife/example-server'
import { signInForE2E } from '@tokenlife/testing/e2e'
import { describe, expect, test } from 'vitest'
import { APPS, openApp, statusHistory, useE2eStack, Watcher } from './harness'

const stack = useE2eStack()

describe.each(APPS)('$name app', (app) => {
  test('signInForE2E(): the app opens signed in, never showing its sign-in page; the only sign-in was the seeding', async () => {
    const watcher = new Watcher()
    const context = await stack.newContext(watcher)
    const seeding = await context.newPage()
    const logins = stack.server.stats.logins
    const seeded = await signInForE2E(seeding, {
      url: stack.server.url,
      loginUrl: '/auth/login',
      refreshUrl: '/auth/refresh',
      logoutUrl: '/auth/logout',
      credentials: { email: DEMO_USER.email, password: DEMO_USER.password },
    })
    expect(seeded).toMatchObject({ status: 'authenticated', claims: { email: DEMO_USER.email } })
    expect((await context.cookies()).map((cookie) => [cookie.name, cookie.httpOnly])).toEqual([['tokenlife_rt', true]])

    const page = await openApp(context, stack.server, app)
    await expect.poll(() => page.getByTestId('user-email').textContent()).toBe(DEMO_USER.email)
    // Never the sign-in page: straight from loading to the dashboard.
    expect((await statusHistory(page)).map((entry) => entry.status).filter((status) => status !== null)).toEqual(['initializing', 'authenticated'])
    expect(stack.server.stats.logins - logins).toBe(1)
    watcher.expectClean()
  })
})

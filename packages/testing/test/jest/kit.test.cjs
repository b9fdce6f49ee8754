/* eslint-disable @typescript-eslint/no-require-imports */
/* global require, afterEach, test, expect */
// @tokenlife/testing in Jest (CommonJS build, jsdom): the scripted client, the React test provider, and the msw
// handlers answering an app's own client.
const { act, cleanup, render, screen } = require('@testing-library/react')
const { createAuthClient, useAuth } = require('@tokenlife/react')
const { setupServer } = require('msw/node')
const { createElement: h } = require('react')
const { createTestAuthClient, installWebLocks, tokenlifeHandlers } = require('../../dist/index.cjs')
const { TestAuthProvider } = require('../../dist/react.cjs')

afterEach(cleanup)

function Account() {
  const { status, reason, claims } = useAuth()
  if (status === 'initializing') return h('p', null, 'Loading…')
  if (status === 'unauthenticated') return h('p', null, reason === 'revoked' ? 'Your session has ended' : 'Please sign in')
  return h('p', null, `Signed in as ${claims.name}`)
}

test('the scripted client reaches every state it is asked for', async () => {
  for (const [state, expected] of [['signed-in', 'authenticated'], ['revoked', 'unauthenticated'], ['offline', 'authenticated'], ['loading', 'initializing']]) {
    const session = await createTestAuthClient({ state })
    expect(session.auth.getState().status).toBe(expected)
  }
})

test('<TestAuthProvider> renders a component in a state, and follows the engine', async () => {
  const session = await createTestAuthClient({ accessTokenTtl: 60 })
  render(h(TestAuthProvider, { client: session }, h(Account)))
  expect(screen.getByText('Signed in as Ada Lovelace')).toBeTruthy()
  session.revokeSession()
  await act(() => session.advance(60_000))
  expect(screen.getByText('Your session has ended')).toBeTruthy()

  render(h(TestAuthProvider, { state: 'signed-out' }, h(Account)))
  expect(await screen.findByText('Please sign in')).toBeTruthy()
})

test("tokenlifeHandlers() answer the app's own client through msw (with installWebLocks(): jsdom has no Web Locks)", async () => {
  const uninstall = installWebLocks()
  const auth = tokenlifeHandlers()
  const server = setupServer(...auth)
  server.listen({ onUnhandledRequest: 'error' })
  const client = createAuthClient({ refreshUrl: '/auth/refresh', loginUrl: '/auth/login', logoutUrl: '/auth/logout' })
  try {
    await client.login({ email: 'ada@example.com', password: 'correct-horse' })
    expect(client.getState().status).toBe('authenticated')
    auth.failNextRefresh('invalid_grant')
    await expect(client.refresh()).rejects.toMatchObject({ name: 'SessionEndedError' })
    expect(client.getState()).toMatchObject({ status: 'unauthenticated', reason: 'revoked' })
  } finally {
    client.destroy()
    server.close()
    uninstall()
  }
})

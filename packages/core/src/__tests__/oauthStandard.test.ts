// A standard OAuth 2.0 server and a public client: client_id on refresh and revocation, RFC 7009 revocation, and
// refusals that blame the client's configuration rather than the session (RFC 6749 §5.2).
import { createFakeAuthServer, FakeEnvironment, runFor, spyStorage } from '@tokenlife/test-utils'
import { HttpResponse } from 'msw'
import { describe, expect, it } from 'vitest'
import { ConfigurationError, isConfigurationError } from '../errors'
import { oauthWireFormat } from '../wireFormat'
import { mswServer, setup } from './setup'

const minute = 60_000

/** A fake server that requires `client_id: 'spa'` (a standard server's public client), and a client for it. */
function standardServer(options: Parameters<typeof setup>[0] = {}) {
  const env = new FakeEnvironment()
  const server = createFakeAuthServer({ now: env.now, clientId: 'spa' })
  mswServer.use(...server.handlers)
  const storage = spyStorage()
  const context = setup({ env, server, refreshToken: 'storage', storage, ...options })
  return { ...context, storage }
}

/** Signs in through `loginUrl` (which checks no client identity), so the next refresh is the first to be judged. */
async function signedIn(options: Parameters<typeof setup>[0] = {}) {
  const context = standardServer(options)
  await context.auth.start()
  await context.auth.login({ username: 'ada', password: 'secret' })
  await runFor(context.env, 0)
  return context
}

describe('oauthClientId: the public client identifies itself', () => {
  it('sends client_id on every refresh, and the rotation goes on', async () => {
    const { env, server, auth } = await signedIn({ oauthClientId: 'spa' })
    const bodies: URLSearchParams[] = []
    mswServer.events.on('request:start', ({ request }) => {
      if (request.url.endsWith('/auth/refresh')) void request.clone().text().then((text) => bodies.push(new URLSearchParams(text)))
    })
    await runFor(env, 10 * minute)
    mswServer.events.removeAllListeners()
    expect(server.stats.refreshRequests).toBeGreaterThanOrEqual(10)
    expect(bodies.length).toBe(server.stats.refreshRequests)
    for (const body of bodies) {
      expect(body.get('client_id')).toBe('spa')
      expect(body.get('grant_type')).toBe('refresh_token')
    }
    expect(auth.getState().status).toBe('authenticated')
  })

  it('sends no client_id when the option is unset (a backend speaks for the client)', async () => {
    const { env, server, auth } = setup({ refreshToken: 'storage', storage: spyStorage() })
    await auth.start()
    await auth.login({ username: 'ada', password: 'secret' })
    const read: Promise<URLSearchParams>[] = []
    mswServer.events.on('request:start', ({ request }) => {
      if (request.url.endsWith('/auth/refresh')) read.push(request.clone().text().then((text) => new URLSearchParams(text)))
    })
    await runFor(env, 2 * minute)
    mswServer.events.removeAllListeners()
    const bodies = await Promise.all(read)
    expect(server.stats.refreshRequests).toBeGreaterThan(0)
    expect(bodies).toHaveLength(server.stats.refreshRequests)
    expect(bodies.map((body) => [body.get('grant_type'), body.has('client_id')])).toEqual(bodies.map(() => ['refresh_token', false]))
  })
})

describe('cookies go along only when a cookie carries the refresh token', () => {
  it('storage mode sends no credentials cross-origin (an OAuth server answers CORS without Allow-Credentials)', () => {
    const url = 'https://id.test/token'
    const withToken = { url, refreshToken: 'rt', clientId: 'spa' }
    const cookieMode = { url, refreshToken: undefined, clientId: 'spa' }
    expect(oauthWireFormat.buildRefreshRequest(withToken).init.credentials).toBe('same-origin')
    expect(oauthWireFormat.buildRefreshRequest(cookieMode).init.credentials).toBe('include')
    const logout = { accessToken: 'at', everywhere: false }
    expect(oauthWireFormat.buildLogoutRequest({ ...withToken, ...logout }).init.credentials).toBe('same-origin')
    expect(oauthWireFormat.buildLogoutRequest({ ...cookieMode, ...logout }).init.credentials).toBe('include')
  })
})

describe('RFC 7009 revocation by default', () => {
  it('storage mode: token (the refresh token), token_type_hint, client_id; no Authorization header', async () => {
    const { server, auth, storage } = await signedIn({ oauthClientId: 'spa' })
    const refreshToken = storage.values.get('tokenlife:default:refresh_token')
    expect(refreshToken).toBeDefined()
    const failures: unknown[] = []
    auth.onEvent((event) => event.type === 'revocation-failed' && failures.push(event.error))
    await auth.logout()
    const [revocation] = server.stats.logouts
    expect(Object.fromEntries(revocation!.body)).toEqual({ token: refreshToken, token_type_hint: 'refresh_token', client_id: 'spa' })
    expect(revocation!.authorization).toBeNull()
    expect(failures).toEqual([])
    // The server revoked the family: the token is dead there.
    const presented = await fetch(`${server.origin}/auth/refresh`, {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken!, client_id: 'spa' }),
    })
    expect(presented.status).toBe(400)
    expect(await presented.json()).toMatchObject({ error: 'invalid_grant' })
  })

  it('cookie mode: no token (the backend revokes the cookie it holds), the hint and client_id', async () => {
    const env = new FakeEnvironment()
    const server = createFakeAuthServer({ now: env.now })
    mswServer.use(...server.handlers)
    server.issueSession()
    const { auth } = setup({ env, server, oauthClientId: 'spa' })
    await auth.start()
    expect(auth.getState().status).toBe('authenticated')
    await auth.logout({ everywhere: true })
    const [revocation] = server.stats.logouts
    expect(Object.fromEntries(revocation!.body)).toEqual({ token_type_hint: 'refresh_token', client_id: 'spa', everywhere: 'true' })
    expect(revocation!.authorization).toBeNull()
  })

  it('a refused revocation is visible: the event with the OAuth error, and a warning when debug is on', async () => {
    const debugged = await signedIn({ debug: () => {} }) // no oauthClientId: the server refuses the revocation
    await debugged.auth.logout()
    const failed = debugged.events.find((event) => event.type === 'revocation-failed')
    expect(failed).toMatchObject({ error: { message: 'HTTP 400 invalid_request: no client authentication mechanism provided' } })
    expect(debugged.env.warnings).toEqual([
      expect.stringMatching(/^logout could not revoke the session at https:\/\/auth\.test\/auth\/logout \(HTTP 400 invalid_request.*may still be valid/),
    ])

    const quiet = await signedIn()
    await quiet.auth.logout()
    expect(quiet.events.some((event) => event.type === 'revocation-failed')).toBe(true)
    expect(quiet.env.warnings).toEqual([])
  })
})

describe('a misconfigured client is a ConfigurationError, never a revocation', () => {
  it('while starting: one console error naming oauthClientId, initializing with the error, no retry loop', async () => {
    const { env, server, auth, events, storage } = standardServer() // no oauthClientId
    storage.values.set('tokenlife:default:refresh_token', server.issueSession().refreshToken)
    await auth.start()
    const state = auth.getState()
    expect(state.status).toBe('initializing')
    expect(isConfigurationError(state.error)).toBe(true)
    expect(state.error).toMatchObject({ name: 'ConfigurationError', status: 400, error: 'invalid_request' })
    expect(env.errors).toHaveLength(1)
    expect(env.errors[0]).toMatch(/HTTP 400 invalid_request: no client authentication mechanism provided.*missing or wrong `oauthClientId`/)
    expect(events.filter((event) => event.type === 'configuration-error')).toHaveLength(1)

    await runFor(env, 30 * minute)
    expect(server.stats.refreshRequests).toBe(1)
    expect(env.errors).toHaveLength(1)
    expect(env.pendingTimers).toBe(0)
    // A caller gets the error at once, without another request.
    await expect(auth.getAccessToken()).rejects.toBeInstanceOf(ConfigurationError)
    expect(server.stats.refreshRequests).toBe(1)
    // The refresh token is kept: with the configuration fixed, the session is still there.
    expect(storage.values.has('tokenlife:default:refresh_token')).toBe(true)
    expect(events.some((event) => event.type === 'session-ended')).toBe(false)
  })

  it('while signed in (wrong client_id): keeps the session, sets error, schedules nothing; refresh() tries again', async () => {
    const { env, server, auth, events, storage, states } = await signedIn({ oauthClientId: 'wrong' })
    const signedInAt = states.length
    await runFor(env, 10 * minute)
    expect(server.stats.refreshRequests).toBe(1)
    const state = auth.getState()
    expect(state.status).toBe('authenticated')
    expect(state.error).toMatchObject({ name: 'ConfigurationError', status: 401, error: 'invalid_client' })
    expect(states.slice(signedInAt).map((seen) => seen.status)).toEqual(['authenticated'])
    expect(events.some((event) => event.type === 'refresh-failed' || (event.type === 'session-ended' && event.reason === 'revoked'))).toBe(false)
    expect(env.errors).toEqual([expect.stringContaining('missing or wrong `oauthClientId`')])
    expect(storage.values.has('tokenlife:default:refresh_token')).toBe(true)
    // The token has expired by now: no request per caller, the error at once.
    await expect(auth.getAccessToken()).rejects.toMatchObject({ name: 'ConfigurationError' })
    expect(server.stats.refreshRequests).toBe(1)
    // An explicit refresh asks again (a server-side fix, e.g. the client registered meanwhile, can make it pass).
    await expect(auth.refresh()).rejects.toMatchObject({ name: 'ConfigurationError' })
    expect(server.stats.refreshRequests).toBe(2)
    expect(env.errors).toHaveLength(2)
  })

  it('an explicit refresh() recovers when the server accepts the client again', async () => {
    const { env, server, auth } = await signedIn({ oauthClientId: 'spa' })
    server.respondNextRefresh(() =>
      HttpResponse.json({ error: 'unauthorized_client', error_description: 'grant not allowed' }, { status: 400 }),
    )
    await runFor(env, minute)
    expect(auth.getState().error).toMatchObject({ name: 'ConfigurationError', error: 'unauthorized_client' })
    const recovered = await auth.refresh()
    expect(recovered).toMatchObject({ status: 'authenticated' })
    expect(recovered.error).toBeUndefined()
    expect(env.pendingTimers).toBeGreaterThan(0) // silent refresh is scheduled again
  })

  it('invalid_grant still ends the session as revoked', async () => {
    const { env, server, auth } = await signedIn({ oauthClientId: 'spa' })
    server.revokeAll()
    await runFor(env, minute)
    expect(auth.getState()).toEqual({ status: 'unauthenticated', reason: 'revoked' })
    expect(env.errors).toEqual([])
  })
})

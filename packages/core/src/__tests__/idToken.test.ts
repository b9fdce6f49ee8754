// The session's OpenID Connect ID token: it becomes `state.user`, travels with the session (refreshes that return
// none, sibling tabs, a persisted access token) and goes with the session.
import { FakeChannelHub, FakeEnvironment, FakeLockManager, createFakeAuthServer, mintAccessToken, mintJwt, runFor } from '@tokenlife/test-utils'
import { http } from 'msw'
import { describe, expect, it } from 'vitest'
import type { AuthClientOptions } from '../options'
import { memoryStorage } from '../storage/memoryStorage'
import { mswServer, setup } from './setup'

const minute = 60_000

/** An ID token for `sub` issued at `nowMs`. */
const idTokenFor = (sub: string, nowMs: number, extra: Record<string, unknown> = {}) =>
  mintJwt({ iss: 'https://auth.test', aud: 'spa', sub, iat: Math.floor(nowMs / 1000), exp: Math.floor(nowMs / 1000) + 300, ...extra })

/**
 * A test client whose server adds an `id_token` to every refresh answer while `idTokens.sub` is set (the answer is
 * otherwise the fake server's: rotation, reuse detection).
 */
function oidcClient(options: Partial<AuthClientOptions> = {}) {
  const env = new FakeEnvironment()
  const hub = new FakeChannelHub()
  const locks = new FakeLockManager()
  const server = createFakeAuthServer({ now: env.now })
  const storage = memoryStorage()
  const idTokens: { sub: string | undefined; issued: string[] } = { sub: 'ada', issued: [] }
  mswServer.use(
    http.post(`${server.origin}/auth/refresh`, async ({ request }) => {
      const answer = await server.handle(request)
      if (!answer.ok || idTokens.sub === undefined) return answer
      const body = (await answer.json()) as Record<string, unknown>
      const idToken = idTokenFor(idTokens.sub, env.now(), { n: idTokens.issued.length })
      idTokens.issued.push(idToken)
      return Response.json({ ...body, id_token: idToken }, { headers: answer.headers })
    }),
    ...server.handlers,
  )
  /** One tab of the browser: the same clock, server, storage, lock and channel; its own client. */
  const openTab = (tabOptions: Partial<AuthClientOptions> = {}) => {
    const tabEnv = env.fork()
    const { auth } = setup({
      env: tabEnv,
      server,
      refreshToken: 'storage',
      storage,
      ...options,
      ...tabOptions,
      environment: { locks, openChannel: hub.connect().openChannel, ...tabOptions.environment },
    })
    return { env: tabEnv, server, auth }
  }
  return { ...openTab(), env, hub, storage, idTokens, openTab }
}

/** Refreshes in `auth`'s tab while the fake clock runs. */
async function refreshIn({ env, auth }: { env: FakeEnvironment; auth: ReturnType<typeof setup>['auth'] }) {
  const refreshed = auth.refresh()
  await runFor(env, 1_000)
  return refreshed
}

/** Signs `auth` in as an app would after a code exchange: the tokens and the validated ID token. */
function signIn({ env, server, auth }: Pick<ReturnType<typeof oidcClient>, 'env' | 'server' | 'auth'>, sub = 'ada') {
  const { accessToken, refreshToken } = server.issueSession()
  const idToken = idTokenFor(sub, env.now())
  auth.setTokens({ accessToken, refreshToken, idToken })
  return idToken
}

describe('the ID token is the session’s: state.user', () => {
  it('setTokens({ idToken }) makes its claims state.user, and the ID token state.idToken', () => {
    const client = oidcClient()
    const idToken = signIn(client)
    const state = client.auth.getState()
    expect(state.status).toBe('authenticated')
    expect(state.user).toMatchObject({ sub: 'ada', aud: 'spa' })
    expect(state.idToken).toBe(idToken)
    client.auth.destroy()
  })

  it('a session without an ID token has no user (the state has no such keys)', () => {
    const client = oidcClient()
    const { accessToken, refreshToken } = client.server.issueSession()
    client.auth.setTokens({ accessToken, refreshToken })
    expect(client.auth.getState().user).toBeUndefined()
    expect(Object.keys(client.auth.getState())).not.toContain('user')
    client.auth.destroy()
  })

  it('refuses an idToken that is not a JWT with a TypeError naming it, and adopts nothing', () => {
    const client = oidcClient()
    const accessToken = mintAccessToken(client.env.now(), 60)
    expect(() => client.auth.setTokens({ accessToken, idToken: 'not-a-jwt' })).toThrow(/`idToken` must be a JWT/)
    expect(client.auth.getState().status).toBe('initializing')
    client.auth.destroy()
  })

  it('a refresh that returns a new ID token replaces the user; one that returns none keeps it', async () => {
    const client = oidcClient()
    signIn(client)
    await refreshIn(client)
    expect(client.idTokens.issued).toHaveLength(1)
    expect(client.auth.getState().idToken).toBe(client.idTokens.issued[0])
    expect(client.auth.getState().user).toMatchObject({ sub: 'ada', n: 0 })

    client.idTokens.sub = undefined // the provider omits the ID token from this refresh (OpenID Connect allows it)
    const before = client.auth.getState()
    await refreshIn(client)
    const after = client.auth.getState()
    expect(after.accessToken).not.toBe(before.accessToken)
    expect(after.idToken).toBe(client.idTokens.issued[0])
    expect(after.user).toBe(before.user)
    client.auth.destroy()
  })

  it('logout clears the user', async () => {
    const client = oidcClient()
    signIn(client)
    await client.auth.logout()
    expect(client.auth.getState()).toEqual({ status: 'unauthenticated', reason: 'logout' })
    client.auth.destroy()
  })

  it('a persisted access token (opt-in) brings its ID token back after a reload', async () => {
    const persisted = memoryStorage()
    const client = oidcClient({ persistAccessToken: persisted })
    const idToken = signIn(client)
    await runFor(client.env, 0)
    client.auth.destroy()
    // The reloaded page: same storage, a new client.
    const reloaded = client.openTab({ persistAccessToken: persisted })
    void reloaded.auth.start()
    await runFor(reloaded.env, 1_000)
    expect(reloaded.auth.getState()).toMatchObject({ status: 'authenticated', idToken, user: { sub: 'ada' } })
    expect(client.server.stats.refreshRequests).toBe(0)
    reloaded.auth.destroy()
  })
})

describe('sibling tabs get the user the way they get the session', () => {
  it('a sign-in in one tab gives every open tab the session and its user, without a request of theirs', async () => {
    const client = oidcClient()
    const tabs = [client.openTab(), client.openTab()]
    for (const tab of [client, ...tabs]) void tab.auth.start()
    await runFor(client.env, 1_000)
    const idToken = signIn(client)
    await runFor(client.env, 100)
    for (const tab of tabs) expect(tab.auth.getState()).toMatchObject({ status: 'authenticated', idToken, user: { sub: 'ada' } })
    expect(client.server.stats.refreshRequests).toBe(0)
    // A refresh in one tab brings the new ID token to the others.
    await refreshIn(tabs[0]!)
    await runFor(client.env, 100)
    const refreshed = client.idTokens.issued.at(-1)
    for (const tab of [client, ...tabs]) expect(tab.auth.getState().idToken).toBe(refreshed)
    for (const tab of [client, ...tabs]) tab.auth.destroy()
  })

  it('over a channel that may persist messages no ID token travels: the sibling gets its own from the server', async () => {
    const client = oidcClient()
    const secret = () => {
      const link = client.hub.connect()
      return { openChannel: (name: string) => ({ ...link.openChannel(name), confidential: false }) }
    }
    const first = client.openTab({ environment: secret() })
    const second = client.openTab({ environment: secret() })
    for (const tab of [first, second]) void tab.auth.start()
    await runFor(client.env, 1_000)
    const idToken = signIn(first)
    await runFor(client.env, 5_000)
    expect(JSON.stringify(client.hub.posted)).not.toContain(idToken)
    // The second tab asked the server (under the lock) and got an ID token of its own with its session.
    expect(client.server.stats.refreshRequests).toBe(1)
    expect(second.auth.getState()).toMatchObject({ status: 'authenticated', user: { sub: 'ada' } })
    expect(second.auth.getState().idToken).toBe(client.idTokens.issued[0])
    expect(client.server.stats.reuseDetected).toBe(0)
    for (const tab of [client, first, second]) tab.auth.destroy()
    await runFor(client.env, minute)
  })
})

describe('validateIdToken: every refreshed ID token is checked before the session adopts it', () => {
  const storageKey = 'tokenlife:default:refresh_token'

  it('is given the ID token, the answer (readable) and the session’s current identity; a pass adopts the answer', async () => {
    const checks: { idToken: string; body: Record<string, unknown>; previousSub: unknown }[] = []
    const client = oidcClient({
      validateIdToken: async ({ idToken, response, previous }) => {
        checks.push({ idToken, body: (await response.json()) as Record<string, unknown>, previousSub: previous?.user.sub })
      },
    })
    signIn(client)
    const state = await refreshIn(client)
    expect(checks).toHaveLength(1)
    expect(checks[0]).toMatchObject({ idToken: client.idTokens.issued[0], body: { id_token: client.idTokens.issued[0] }, previousSub: 'ada' })
    expect(state.idToken).toBe(client.idTokens.issued[0])
    client.auth.destroy()
  })

  it('a failure that is not an end (the JWKS could not be fetched): the answer is not adopted, its rotated refresh token is kept, and the retry presents it', async () => {
    let jwksDown = true
    const client = oidcClient({
      validateIdToken: async () => {
        if (jwksDown) throw new Error('JWKS unreachable')
      },
    })
    signIn(client)
    const before = client.auth.getState()
    const stored = () => client.storage.get(storageKey)
    const failed = await refreshIn(client).then(
      () => undefined,
      (error: Error) => error,
    )
    expect(failed?.message).toBe('JWKS unreachable')
    // The session is as it was (the unvalidated answer was not adopted)...
    expect(client.auth.getState()).toMatchObject({ status: 'authenticated', accessToken: before.accessToken, error: failed })
    // ...but the refresh token the answer rotated to is the one stored, not the one that was presented (now spent).
    const presented = client.server.stats.presented.at(-1)
    expect(await stored()).not.toBe(presented)
    expect(client.server.familyOf((await stored())!)).toMatchObject({ revoked: false })

    jwksDown = false
    await runFor(client.env, minute) // the scheduled retries, each presenting the token the last answer rotated to
    const { presented: all } = client.server.stats
    expect(all.length).toBeGreaterThanOrEqual(2)
    expect(new Set(all).size).toBe(all.length)
    expect(client.server.stats.reuseDetected).toBe(0)
    expect(client.auth.getState()).toMatchObject({ status: 'authenticated', idToken: client.idTokens.issued.at(-1) })
    client.auth.destroy()
  })

  it('a SessionEndedError (another `sub`) ends the session in every tab, clears storage and revokes the answer’s tokens', async () => {
    const { SessionEndedError } = await import('../errors')
    const client = oidcClient({
      validateIdToken: async ({ idToken, previous }) => {
        const sub = JSON.parse(atob(idToken.split('.')[1]!)).sub as string
        if (previous && previous.user.sub !== sub) throw new SessionEndedError('revoked', { error: 'sub_mismatch' })
      },
    })
    const other = client.openTab()
    void other.auth.start()
    signIn(client)
    await runFor(client.env, 100)
    expect(other.auth.getState().status).toBe('authenticated')
    client.idTokens.sub = 'mallory'
    const refused = await refreshIn(client).then(
      () => undefined,
      (error: unknown) => error,
    )
    expect(refused).toMatchObject({ name: 'SessionEndedError', error: 'sub_mismatch' })
    await runFor(client.env, 100)
    expect(client.auth.getState()).toEqual({ status: 'unauthenticated', reason: 'revoked' })
    expect(other.auth.getState()).toEqual({ status: 'unauthenticated', reason: 'revoked' })
    expect(await client.storage.get(storageKey)).toBeUndefined()
    const rotated = client.server.stats.issued.length // the answer's tokens went back to the server
    expect(rotated).toBeGreaterThan(1)
    expect(client.server.stats.logouts.at(-1)?.body.get('token')).toMatch(/^rt-/)
    expect(client.server.familyOf(client.server.stats.logouts.at(-1)!.body.get('token')!)).toMatchObject({ revoked: true })
    client.auth.destroy()
    other.auth.destroy()
  })

  it('refuses a validateIdToken that is not a function with a TypeError naming the option', () => {
    expect(() => oidcClient({ validateIdToken: 'yes' as never })).toThrow(/`validateIdToken` must be a function/)
  })
})

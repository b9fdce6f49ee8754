import { describe, expect, it } from 'vitest'
import { call, DEMO, decodeJwt, getApi, login, postForm, refreshWithBody, refreshWithCookie, signIn, start } from './helpers'

const changePassword = (
  server: Awaited<ReturnType<typeof start>>,
  bearer: string | undefined,
  body: Record<string, unknown>,
  headers: Record<string, string> = {},
) =>
  call(server, '/auth/change-password', {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      ...(bearer === undefined ? {} : { Authorization: `Bearer ${bearer}` }),
      ...headers,
    },
    body: JSON.stringify(body),
  })

describe('token version (change-detection marker)', () => {
  it('a password change ends every other session at its next refresh; the changer stays signed in', async () => {
    const server = await start()
    const changer = await signIn(server)
    const other = await signIn(server)

    const reply = await changePassword(server, changer.access, {
      currentPassword: DEMO.password,
      newPassword: 'a-new-password',
    })
    expect(reply.status).toBe(200)
    expect(reply.body).toMatchObject({ token_type: 'Bearer', expires_in: 30, access_token: expect.any(String) })
    expect(reply.body.refresh_token).toBeUndefined()
    expect(decodeJwt(reply.body.access_token as string).payload.ver).toBe(1)
    expect(server.stats.passwordChanges).toBe(1)

    // The other session's access token is refused at once (the verifier checks the user's token version, from its
    // cache: no store round trip), and its next refresh ends the session.
    const refused = await getApi(server, '/api/me', other.access)
    expect(refused.status).toBe(401)
    expect(refused.body.error_description).toBe('access token has been revoked')
    const otherRefresh = await refreshWithCookie(server, other.refresh)
    expect(otherRefresh.status).toBe(400)
    expect(otherRefresh.body).toEqual({ error: 'invalid_grant', error_description: 'token version changed' })
    expect(server.stats.versionMismatches).toBe(1)
    // The family is revoked, not just refused once.
    expect((await refreshWithCookie(server, other.refresh)).body.error_description).toBe('refresh token has been revoked')

    // The changer's pre-change refresh token is at the old version too.
    expect((await refreshWithCookie(server, changer.refresh)).body.error_description).toBe('token version changed')

    // The changer's new pair works and keeps rotating.
    expect((await getApi(server, '/api/me', reply.body.access_token as string)).status).toBe(200)
    const next = await refreshWithCookie(server, reply.cookie as string)
    expect(next.status).toBe(200)
    expect(decodeJwt(next.body.access_token as string).payload.ver).toBe(1)

    expect((await login(server)).status).toBe(401)
    expect((await login(server, { email: DEMO.email, password: 'a-new-password' })).status).toBe(200)
  })

  it('returns the refresh token in the body for storage-mode clients', async () => {
    const server = await start()
    const { access } = await signIn(server)
    const reply = await changePassword(
      server,
      access,
      { currentPassword: DEMO.password, newPassword: 'a-new-password' },
      { 'X-Refresh-Token-Mode': 'storage' },
    )
    expect(reply.status).toBe(200)
    expect((await refreshWithBody(server, reply.body.refresh_token as string)).status).toBe(200)
  })

  it('a wrong current password changes nothing', async () => {
    const server = await start()
    const session = await signIn(server)
    const reply = await changePassword(server, session.access, { currentPassword: 'nope', newPassword: 'whatever-123' })
    expect(reply.status).toBe(400)
    expect(reply.body.error).toBe('invalid_grant')
    expect((await refreshWithCookie(server, session.refresh)).status).toBe(200)
    expect((await login(server)).status).toBe(200)
  })

  it('requires a valid bearer token and a long enough new password', async () => {
    const server = await start()
    const { access } = await signIn(server)
    const body = { currentPassword: DEMO.password, newPassword: 'a-new-password' }
    const anonymous = await changePassword(server, undefined, body)
    expect(anonymous.status).toBe(401)
    expect(anonymous.headers.get('www-authenticate')).toMatch(/^Bearer error="invalid_token"/)
    expect((await changePassword(server, access, { currentPassword: DEMO.password, newPassword: 'short' })).status).toBe(400)
    expect((await changePassword(server, access, { currentPassword: DEMO.password })).status).toBe(400)
    expect((await login(server)).status).toBe(200)
  })
})

describe('POST /auth/logout', () => {
  it('revokes the session family, denylists the access token and clears the cookie', async () => {
    const server = await start()
    const session = await signIn(server)
    const other = await signIn(server)

    const reply = await postForm(server, '/auth/logout', {}, { cookie: session.refresh, bearer: session.access })
    expect(reply.status).toBe(200)
    expect(reply.body).toEqual({})
    expect(reply.setCookie).toMatch(/^tokenlife_rt=;.*Max-Age=0.*Path=\/auth/)
    expect(reply.headers.get('cache-control')).toBe('no-store')

    const refresh = await refreshWithCookie(server, session.refresh)
    expect(refresh.status).toBe(400)
    expect(refresh.body).toEqual({ error: 'invalid_grant', error_description: 'refresh token has been revoked' })
    const me = await getApi(server, '/api/me', session.access)
    expect(me.status).toBe(401)
    expect(me.body.error_description).toBe('access token has been revoked')

    // Only that session ended.
    expect((await getApi(server, '/api/me', other.access)).status).toBe(200)
    expect((await refreshWithCookie(server, other.refresh)).status).toBe(200)
  })

  it('storage mode: revokes the token given as `token`', async () => {
    const server = await start()
    const { refresh } = await signIn(server)
    const reply = await postForm(server, '/auth/logout', { token: refresh, token_type_hint: 'refresh_token' })
    expect(reply.status).toBe(200)
    expect((await refreshWithBody(server, refresh)).status).toBe(400)
  })

  it('revokes the family even when given an already-rotated token of it', async () => {
    const server = await start()
    const { refresh } = await signIn(server)
    const rotated = await refreshWithCookie(server, refresh)
    await postForm(server, '/auth/logout', { token: refresh })
    expect((await refreshWithCookie(server, rotated.cookie as string)).body.error_description).toBe(
      'refresh token has been revoked',
    )
  })

  it('is idempotent: 200 {} with no token, an unknown token, or twice', async () => {
    const server = await start()
    const { refresh } = await signIn(server)
    for (const reply of [
      await call(server, '/auth/logout', { method: 'POST' }),
      await postForm(server, '/auth/logout', { token: 'unknown' }),
      await postForm(server, '/auth/logout', {}, { cookie: 'garbage', bearer: 'not.a.jwt' }),
      await postForm(server, '/auth/logout', {}, { cookie: refresh }),
      await postForm(server, '/auth/logout', {}, { cookie: refresh }),
    ]) {
      expect(reply.status).toBe(200)
      expect(reply.body).toEqual({})
    }
    expect(server.stats.logouts).toBe(5)
  })
})

describe('logout everywhere', () => {
  it('everywhere=true ends every session of the user, identified by the refresh cookie', async () => {
    const server = await start()
    const a = await signIn(server)
    const b = await signIn(server)
    const reply = await postForm(server, '/auth/logout', { everywhere: 'true' }, { cookie: a.refresh })
    expect(reply.status).toBe(200)
    expect(reply.body).toEqual({})
    expect((await refreshWithCookie(server, a.refresh)).status).toBe(400)
    // Every family is revoked outright (not merely left to fail the version check).
    expect((await refreshWithCookie(server, b.refresh)).body).toEqual({
      error: 'invalid_grant',
      error_description: 'refresh token has been revoked',
    })
    const user = await server.store.findUserByEmail(DEMO.email)
    expect(user?.tokenVersion).toBe(1)
    expect(server.stats.logoutsEverywhere).toBe(1)

    // Signing in again works, at the new version.
    const again = await signIn(server)
    expect(decodeJwt(again.access).payload.ver).toBe(1)
    expect((await refreshWithCookie(server, again.refresh)).status).toBe(200)
  })

  it('everywhere=true with only a bearer token (no refresh token) identifies the user from it', async () => {
    const server = await start()
    const a = await signIn(server)
    const b = await signIn(server)
    expect((await postForm(server, '/auth/logout', { everywhere: 'true' }, { bearer: a.access })).status).toBe(200)
    expect((await getApi(server, '/api/me', a.access)).status).toBe(401)
    expect((await refreshWithCookie(server, a.refresh)).status).toBe(400)
    expect((await refreshWithCookie(server, b.refresh)).status).toBe(400)
  })

  it('POST /auth/logout-everywhere requires a bearer token and ends all sessions', async () => {
    const server = await start()
    const a = await signIn(server)
    const b = await signIn(server)

    const anonymous = await postForm(server, '/auth/logout-everywhere', {}, { cookie: a.refresh })
    expect(anonymous.status).toBe(401)
    expect((await refreshWithCookie(server, b.refresh)).status).toBe(200)

    const c = await signIn(server)
    const reply = await postForm(server, '/auth/logout-everywhere', {}, { bearer: c.access })
    expect(reply.status).toBe(200)
    expect(reply.body).toEqual({})
    expect(reply.setCookie).toMatch(/^tokenlife_rt=;/)
    expect((await getApi(server, '/api/me', c.access)).status).toBe(401)
    expect((await refreshWithCookie(server, c.refresh)).status).toBe(400)
    expect((await refreshWithCookie(server, a.refresh)).status).toBe(400)
  })

  it('a stale (already rotated) refresh token cannot log out everywhere: 400, other devices keep their sessions', async () => {
    const server = await start()
    const a = await signIn(server) // device A
    const b = await signIn(server) // device B
    const rotated = await refreshWithCookie(server, a.refresh) // A's token a.refresh is now stale

    const reply = await postForm(server, '/auth/logout', { token: a.refresh, everywhere: 'true' })
    expect(reply.status).toBe(400)
    expect(reply.body).toEqual({
      error: 'invalid_grant',
      error_description:
        'logging out everywhere needs a current refresh token or a valid access token; only this session was ended',
    })
    expect(reply.setCookie).toMatch(/^tokenlife_rt=;/)
    // Device B is untouched: its refresh works and its access token too; the token version did not move.
    expect((await refreshWithCookie(server, b.refresh)).status).toBe(200)
    expect((await getApi(server, '/api/me', b.access)).status).toBe(200)
    expect((await server.store.findUserByEmail(DEMO.email))?.tokenVersion).toBe(0)
    expect(server.stats.logoutsEverywhere).toBe(0)
    // The stale token was a replay of a rotated token, i.e. reuse: A's family is revoked, its newer token dies too.
    expect((await refreshWithCookie(server, rotated.cookie as string)).body.error_description).toBe(
      'refresh token has been revoked',
    )
    const family = await server.store.getFamily(server.stats.refreshLog[0]?.familyId as string)
    expect(family?.revokedReason).toBe('refresh token reuse (logout with a rotated token)')
  })

  it('nor can a revoked or expired refresh token, an unknown one, or an access token from before the last logout everywhere', async () => {
    const server = await start({ refreshTokenTtlSeconds: 3600 })
    const old = await signIn(server)
    await postForm(server, '/auth/logout', {}, { cookie: old.refresh }) // old.refresh: revoked
    const expiring = await signIn(server)
    const survivor = await signIn(server)
    // Another device logs out everywhere; then the user signs in again at the new version.
    const other = await signIn(server)
    expect((await postForm(server, '/auth/logout', { everywhere: 'true' }, { bearer: other.access })).status).toBe(200)
    const current = await signIn(server)
    server.clock.now += 1000

    const attempts: Array<{ fields: Record<string, string>; options?: { cookie?: string; bearer?: string } }> = [
      { fields: { token: old.refresh, everywhere: 'true' } },
      { fields: { token: 'A'.repeat(43), everywhere: 'true' } },
      { fields: { everywhere: 'true' }, options: { bearer: survivor.access } }, // valid signature, old token version
      { fields: { token: survivor.access, token_type_hint: 'access_token', everywhere: 'true' } },
      { fields: { everywhere: 'true' }, options: { cookie: expiring.refresh } }, // revoked by the logout everywhere
    ]
    for (const attempt of attempts) {
      const reply = await postForm(server, '/auth/logout', attempt.fields, attempt.options)
      expect(reply.status).toBe(400)
      expect(reply.body.error).toBe('invalid_grant')
    }
    expect(server.stats.logoutsEverywhere).toBe(1)
    const next = await refreshWithCookie(server, current.refresh)
    expect(next.status).toBe(200)

    // An expired one neither.
    server.clock.now += 3600_000
    const fresh = await signIn(server)
    expect((await postForm(server, '/auth/logout', { everywhere: 'true' }, { cookie: next.cookie as string })).status).toBe(400)
    expect((await refreshWithCookie(server, fresh.refresh)).status).toBe(200)
  })

  it('/auth/logout-everywhere with an access token from before the last logout everywhere is refused too', async () => {
    const server = await start()
    const stale = await signIn(server)
    const other = await signIn(server)
    expect((await postForm(server, '/auth/logout-everywhere', {}, { bearer: other.access })).status).toBe(200)
    const current = await signIn(server)
    // That access token is older than the user's token version: refused outright, as on every API.
    const reply = await postForm(server, '/auth/logout-everywhere', {}, { bearer: stale.access })
    expect(reply.status).toBe(401)
    expect(reply.body).toEqual({ error: 'invalid_token', error_description: 'access token has been revoked' })
    expect((await refreshWithCookie(server, current.refresh)).status).toBe(200)
  })
})

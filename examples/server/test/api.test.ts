import { SignJWT } from 'jose'
import { describe, expect, it } from 'vitest'
import { decodeJwt, getApi, postForm, SECRET, signIn, start } from './helpers'

const key = new TextEncoder().encode(SECRET)

/** A token with exactly the claims this server issues, signed as the test says. */
async function mint(
  claims: Record<string, unknown>,
  options: { alg?: string; key?: Uint8Array; now: number },
): Promise<string> {
  const iat = Math.floor(options.now / 1000)
  return new SignJWT({
    sub: 'someone',
    email: 'demo@tokenlife.dev',
    name: 'Demo User',
    jti: crypto.randomUUID(),
    ver: 0,
    iss: 'tokenlife-example',
    aud: 'tokenlife-example-api',
    iat,
    exp: iat + 30,
    ...claims,
  })
    .setProtectedHeader({ alg: options.alg ?? 'HS256' })
    .sign(options.key ?? key)
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')

async function expectRejected(server: Awaited<ReturnType<typeof start>>, token: string | undefined, description?: string) {
  for (const path of ['/api/me', '/api/data']) {
    const reply = await getApi(server, path, token)
    expect(reply.status).toBe(401)
    expect(reply.headers.get('www-authenticate')).toMatch(/^Bearer error="invalid_token"/)
    expect(reply.body.error).toBe('invalid_token')
    if (description) expect(reply.body.error_description).toBe(description)
  }
}

describe('protected API', () => {
  it('accepts a valid access token on /api/me and /api/data', async () => {
    const server = await start()
    const { access } = await signIn(server)
    const sub = decodeJwt(access).payload.sub

    const me = await getApi(server, '/api/me', access)
    expect(me.status).toBe(200)
    expect(me.body).toMatchObject({ id: sub, email: 'demo@tokenlife.dev', name: 'Demo User', tokenVersion: 0 })
    expect(me.headers.get('cache-control')).toBe('no-store')

    const first = await getApi(server, '/api/data', access)
    server.clock.now += 1000
    const second = await getApi(server, '/api/data', access)
    expect(first.status).toBe(200)
    expect(first.body).toMatchObject({ user: sub, counter: 1, serverTime: new Date(server.clock.now - 1000).toISOString() })
    expect(second.body).toMatchObject({ counter: 2, serverTimeMs: server.clock.now })
    expect(server.stats.apiRequests).toBe(3)
  })

  it('accepts a token minted with the shared secret and the right claims (the rejections below are specific)', async () => {
    const server = await start()
    expect((await getApi(server, '/api/me', await mint({}, { now: server.clock.now }))).status).toBe(200)
  })

  it('rejects a missing or malformed Authorization header', async () => {
    const server = await start()
    await expectRejected(server, undefined, 'missing bearer token')
    await expectRejected(server, 'not-a-jwt', 'access token is invalid')
    const basic = await fetch(`${server.url}/api/me`, { headers: { Authorization: 'Basic ZGVtbzpkZW1v' } })
    expect(basic.status).toBe(401)
    expect(server.stats.apiUnauthorized).toBe(5)
  })

  it('rejects an expired token (server clock moved past exp) but not one a second before', async () => {
    const server = await start()
    const { access } = await signIn(server)
    server.clock.now += 29_000
    expect((await getApi(server, '/api/me', access)).status).toBe(200)
    server.clock.now += 1_000
    await expectRejected(server, access, 'access token expired')
  })

  it('rejects a forged signature and a tampered payload', async () => {
    const server = await start()
    const forged = await mint({}, { now: server.clock.now, key: new TextEncoder().encode('x'.repeat(48)) })
    await expectRejected(server, forged, 'access token is invalid')

    const { access } = await signIn(server)
    const [header, payload, signature] = access.split('.')
    const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString()) as Record<string, unknown>
    await expectRejected(server, `${header}.${b64({ ...claims, sub: 'admin' })}.${signature}`)
    await expectRejected(server, `${header}.${payload}.${(signature ?? '').slice(0, -2)}AA`)
  })

  it('rejects alg "none" and any algorithm other than HS256, even with the right key', async () => {
    const server = await start()
    const iat = Math.floor(server.clock.now / 1000)
    const claims = {
      sub: 'someone', email: 'e', name: 'n', jti: 'j', ver: 0, iat, exp: iat + 30,
      iss: 'tokenlife-example', aud: 'tokenlife-example-api',
    }
    await expectRejected(server, `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.`)
    await expectRejected(server, `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}`)
    await expectRejected(server, await mint({}, { now: server.clock.now, alg: 'HS512' }))
    await expectRejected(server, await mint({}, { now: server.clock.now, alg: 'HS384' }))
  })

  it('rejects the wrong issuer or audience, and tokens missing required claims', async () => {
    const server = await start()
    const now = server.clock.now
    // Tokens for the real signed-in user, so that only the claim under test can be what is wrong with each.
    const { access } = await signIn(server)
    const user = { sub: decodeJwt(access).payload.sub }
    expect((await getApi(server, '/api/me', await mint(user, { now }))).status).toBe(200)
    await expectRejected(server, await mint({ ...user, iss: 'someone-else' }, { now }))
    await expectRejected(server, await mint({ ...user, aud: 'another-api' }, { now }))
    for (const claim of ['jti', 'exp', 'sub', 'iat']) {
      const token = await mint({ ...user, [claim]: undefined }, { now })
      expect(Object.keys(decodeJwt(token).payload)).not.toContain(claim)
      await expectRejected(server, token)
    }
  })

  it('rejects a denylisted jti after logout until it would have expired anyway', async () => {
    const server = await start()
    const { access, refresh } = await signIn(server)
    expect((await getApi(server, '/api/me', access)).status).toBe(200)
    await postForm(server, '/auth/logout', {}, { cookie: refresh, bearer: access })
    await expectRejected(server, access, 'access token has been revoked')

    const { jti, exp } = decodeJwt(access).payload as { jti: string; exp: number }
    expect(await server.store.isAccessTokenDenied(jti, server.clock.now)).toBe(true)
    expect(await server.store.isAccessTokenDenied(jti, exp * 1000)).toBe(false)
  })

  it('revokes an access token passed as `token` with token_type_hint=access_token', async () => {
    const server = await start()
    const { access } = await signIn(server)
    await postForm(server, '/auth/logout', { token: access, token_type_hint: 'access_token' })
    await expectRejected(server, access, 'access token has been revoked')
  })
})

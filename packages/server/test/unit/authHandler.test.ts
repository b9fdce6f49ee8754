import { describe, expect, it } from 'vitest'
import { createAuthHandler, createKeyRing, createSecretKeyRing, createUser, generateSigningKey, Issuer, MemoryStore, RETRY_WINDOW_HEADER, Verifier } from '../../src/index'
import type { KeyRing } from '../../src/index'

const scrypt = { N: 1024, r: 8, p: 1 }

async function handlerWith(options: { retryWindowSeconds?: number; keys?: KeyRing } = {}) {
  const store = new MemoryStore()
  const keys = options.keys ?? createSecretKeyRing('test-secret-test-secret-test-secret-0123456789')
  const issuer = new Issuer({ store, keys, issuer: 'i', audience: 'a', scrypt, retryWindowSeconds: options.retryWindowSeconds })
  const verifier = new Verifier({ store, keys, issuer: 'i', audience: 'a' })
  await createUser(store, { email: 'h@example.test', password: 'password-1', name: 'H' }, scrypt)
  const handle = createAuthHandler({ issuer, verifier })
  const post = (path: string, body: string, type: string, headers: Record<string, string> = {}) =>
    handle(new Request(`http://localhost${path}`, { method: 'POST', headers: { 'Content-Type': type, ...headers }, body }))
  const login = () => post('/auth/login', JSON.stringify({ email: 'h@example.test', password: 'password-1' }), 'application/json')
  return { handle, post, login, close: () => verifier.close() }
}

const cookieOf = (response: Response) => /tokenlife_rt=([^;]*)/.exec(response.headers.get('set-cookie') ?? '')?.[1] ?? ''

describe('createAuthHandler', () => {
  it('with a retry window: every token response says so in Tokenlife-Retry-Window, and a retry gets the same cookie', async () => {
    const { post, login, close } = await handlerWith({ retryWindowSeconds: 30 })
    const signedIn = (await login())!
    expect(signedIn.headers.get(RETRY_WINDOW_HEADER)).toBe('30')
    const refresh = () => post('/auth/refresh', 'grant_type=refresh_token', 'application/x-www-form-urlencoded', { Cookie: `tokenlife_rt=${cookieOf(signedIn)}` })
    const first = (await refresh())!
    const retry = (await refresh())!
    expect([first.status, retry.status]).toEqual([200, 200])
    expect(first.headers.get(RETRY_WINDOW_HEADER)).toBe('30')
    expect(cookieOf(retry)).toBe(cookieOf(first))
    close()
  })

  it('without one: no header, and a retry is reuse', async () => {
    const { post, login, close } = await handlerWith()
    const signedIn = (await login())!
    expect(signedIn.headers.get(RETRY_WINDOW_HEADER)).toBeNull()
    const refresh = () => post('/auth/refresh', 'grant_type=refresh_token', 'application/x-www-form-urlencoded', { Cookie: `tokenlife_rt=${cookieOf(signedIn)}` })
    expect((await refresh())!.status).toBe(200)
    const reused = (await refresh())!
    expect(reused.status).toBe(400)
    expect(await reused.json()).toEqual({ error: 'invalid_grant', error_description: 'refresh token reuse detected' })
    close()
  })

  it('serves the public keys at /.well-known/jwks.json, answers nothing outside its paths', async () => {
    const keys = await createKeyRing([await generateSigningKey('ES256', 'key-1')])
    const { handle, login, close } = await handlerWith({ keys })
    const jwks = (await handle(new Request('http://localhost/.well-known/jwks.json')))!
    expect(await jwks.json()).toEqual({ keys: [expect.objectContaining({ kid: 'key-1', alg: 'ES256', kty: 'EC', use: 'sig' })] })
    const token = ((await (await login())!.json()) as { access_token: string }).access_token
    expect(JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString())).toEqual({ alg: 'ES256', typ: 'JWT', kid: 'key-1' })
    expect(await handle(new Request('http://localhost/api/me'))).toBeUndefined()
    close()
  })
})

describe('key rings', () => {
  it('signs with the first key unless told otherwise, publishes every key, never a private part; refuses bad keys', async () => {
    const [older, newer] = [await generateSigningKey('EdDSA', 'old'), await generateSigningKey('EdDSA', 'new')]
    const ring = await createKeyRing([older, newer], { signWith: 'new' })
    expect(ring.signingKid).toBe('new')
    expect(ring.jwks().keys.map((key) => key.kid)).toEqual(['old', 'new'])
    for (const key of ring.jwks().keys) expect(key).not.toHaveProperty('d')
    await expect(createKeyRing([{ ...older, d: undefined } as never])).rejects.toThrow('has no private part')
    await expect(createKeyRing([{ ...older, alg: 'RS256' } as never])).rejects.toThrow('use EdDSA or ES256')
    await expect(createKeyRing([older, older])).rejects.toThrow('two signing keys have the kid old')
    expect(() => createSecretKeyRing('short')).toThrow(TypeError)
  })
})

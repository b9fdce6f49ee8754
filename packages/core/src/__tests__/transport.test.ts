import { FakeEnvironment, flush, mintAccessToken, mintJwt } from '@tokenlife/test-utils'
import { describe, expect, it } from 'vitest'
import { ConfigurationError, LoginError, SessionEndedError } from '../errors'
import { MAX_TIMER_MS } from '../refreshScheduler'
import { normalizeOptions } from '../options'
import { revokeSession } from '../revocation'
import { parseRetryAfter, readTokenResponse, send, sendToCompletion } from '../transport'
import { oauthWireFormat } from '../wireFormat'

const url = 'https://auth.test/auth/refresh'
const request = { url, init: { method: 'POST' } }
const json = (body: unknown, init: ResponseInit = {}) =>
  new Response(JSON.stringify(body), { ...init, headers: { 'Content-Type': 'application/json', ...init.headers } })

describe('send', () => {
  const withFetch = (fetch: typeof globalThis.fetch) => Object.assign(new FakeEnvironment(), { fetch })

  it('turns a failed fetch into a NetworkError carrying the cause', async () => {
    const cause = new TypeError('fetch failed')
    const env = withFetch(() => Promise.reject(cause))
    await expect(send(env, request, { timeoutMs: 10_000 })).rejects.toMatchObject({
      name: 'NetworkError',
      url,
      timedOut: false,
      transient: true,
      cause,
    })
    expect(env.pendingTimers).toBe(0)
  })

  it('gives up after timeoutMs with a NetworkError that says it timed out', async () => {
    const env = withFetch((_input, init) => new Promise((_, reject) => init?.signal?.addEventListener('abort', () => reject(init.signal?.reason))))
    const sent = send(env, request, { timeoutMs: 3_000 })
    env.advance(2_999)
    await flush()
    env.advance(1)
    await expect(sent).rejects.toMatchObject({ name: 'NetworkError', timedOut: true })
  })

  it('times out even when the fetch ignores its abort signal, and when the body stalls', async () => {
    const never = withFetch(() => new Promise(() => {}))
    const headersOnly = withFetch(async () => new Response(new ReadableStream({ start() {} }), { status: 200 }))
    for (const env of [never, headersOnly]) {
      const sent = send(env, request, { timeoutMs: 3_000 })
      sent.catch(() => {})
      await flush()
      env.advance(3_000)
      await expect(sent).rejects.toMatchObject({ name: 'NetworkError', timedOut: true })
    }
  })

  it("rejects with the caller's abort reason, not a NetworkError", async () => {
    const env = withFetch(() => new Promise(() => {}))
    const controller = new AbortController()
    const sent = send(env, request, { timeoutMs: 10_000, signal: controller.signal })
    const reason = new Error('superseded')
    controller.abort(reason)
    await expect(sent).rejects.toBe(reason)
    expect(env.pendingTimers).toBe(0)
  })

  it('never asks for a timer longer than setTimeout can hold', async () => {
    const env = withFetch(async () => json({}))
    await send(env, request, { timeoutMs: 90 * 86_400_000 })
    expect(env.longestTimerMs).toBeLessThanOrEqual(MAX_TIMER_MS)
  })

  it('returns a response whose body can still be read', async () => {
    const env = withFetch(async () => json({ hello: 'world' }))
    const response = await send(env, request, { timeoutMs: 10_000 })
    expect(await response.json()).toEqual({ hello: 'world' })
  })
})

describe('readTokenResponse', () => {
  const env = new FakeEnvironment()
  const read = (response: Response, kind: 'refresh' | 'login' = 'refresh', mode: 'cookie' | 'storage' = 'storage') =>
    readTokenResponse(env, oauthWireFormat, url, response, kind, mode)

  it('accepts a token with expires_in, or a JWT with exp', async () => {
    const jwt = mintAccessToken(env.now(), 60)
    const withExpiresIn = await read(json({ access_token: 'opaque', expires_in: '60', refresh_token: 'r2' }))
    expect(withExpiresIn.token).toMatchObject({ accessToken: 'opaque', expiresIn: 60, refreshToken: 'r2' })
    const withExp = await read(json({ access_token: jwt }, { headers: { Date: 'Thu, 01 Jan 2026 00:00:00 GMT' } }))
    expect(withExp).toMatchObject({ claims: { sub: 'user-1' }, dateHeader: 'Thu, 01 Jan 2026 00:00:00 GMT' })
    const nullExpiresIn = await read(json({ access_token: jwt, expires_in: null }))
    expect(nullExpiresIn.token.expiresIn).toBeUndefined()
  })

  it.each([
    ['not JSON', new Response('<html>'), 'the body is not JSON'],
    ['empty', new Response(''), 'the body is not JSON'],
    ['JSON null', json(null), 'body is not a JSON object'],
    ['no access_token', json({ expires_in: 60 }), 'no access_token'],
    ['expires_in not a number', json({ access_token: 'opaque', expires_in: 'soon' }), 'expires_in is not a number'],
    ['a JWT that does not decode', json({ access_token: 'x.y.z', expires_in: 60 }), 'access_token is not a decodable JWT'],
    ['no expiry', json({ access_token: 'opaque' }), 'no expiry: neither expires_in nor a JWT exp claim'],
    ['expires_in 0', json({ access_token: 'opaque', expires_in: 0 }), 'expires_in must be a positive number of seconds, got 0'],
    ['exp = iat', json({ access_token: mintJwt({ iat: 100, exp: 100 }) }), 'the access token expires as it is issued (exp is not after iat)'],
  ])('rejects a malformed success (%s) with InvalidResponseError', async (_label, response, problem) => {
    await expect(read(response)).rejects.toMatchObject({ name: 'InvalidResponseError', url, problem, transient: true })
  })

  it.each([
    ['400 invalid_grant', json({ error: 'invalid_grant', error_description: 'reused' }, { status: 400 }), 400, 'invalid_grant'],
    ['401 invalid_grant', json({ error: 'invalid_grant' }, { status: 401 }), 401, 'invalid_grant'],
    ['401 without a body', new Response(null, { status: 401 }), 401, undefined],
    // A code no standard defines: a non-standard server refusing the session (the documented choice).
    ['400 with an unknown code', json({ error: 'session_expired' }, { status: 400 }), 400, 'session_expired'],
  ])('classifies a refresh refusal (%s) as SessionEndedError', async (_label, response, status, error) => {
    const refusal = await read(response).catch((caught: unknown) => caught)
    expect(refusal).toBeInstanceOf(SessionEndedError)
    expect(refusal).toMatchObject({ reason: 'revoked', status, error, transient: false })
  })

  it.each([
    ['invalid_client', 401, 'missing or wrong `oauthClientId`'],
    ['invalid_client', 400, 'missing or wrong `oauthClientId`'],
    ['invalid_request', 400, 'missing or wrong `oauthClientId`'],
    ['unauthorized_client', 400, 'may not use the refresh_token grant'],
    ['unsupported_grant_type', 400, 'grant_type=refresh_token'],
    ['invalid_scope', 400, 'scope'],
  ] as const)('classifies a refresh refused with %s (HTTP %i) as a ConfigurationError, not a revocation', async (code, status, cause) => {
    const refusal = await read(json({ error: code, error_description: 'said the server' }, { status })).catch((caught: unknown) => caught)
    expect(refusal).toBeInstanceOf(ConfigurationError)
    expect(refusal).toMatchObject({ name: 'ConfigurationError', url, status, error: code, description: 'said the server', transient: false })
    expect((refusal as ConfigurationError).likelyCause).toContain(cause)
    expect((refusal as ConfigurationError).message).toContain(`HTTP ${status} ${code}: said the server`)
  })

  it('in cookie mode reads invalid_request as a refusal (a backend that found no refresh cookie), other codes as configuration', async () => {
    const noCookie = await read(json({ error: 'invalid_request', error_description: 'no refresh token' }, { status: 400 }), 'refresh', 'cookie').catch(
      (caught: unknown) => caught,
    )
    expect(noCookie).toBeInstanceOf(SessionEndedError)
    expect(noCookie).toMatchObject({ reason: 'revoked', error: 'invalid_request' })
    await expect(read(json({ error: 'invalid_client' }, { status: 401 }), 'refresh', 'cookie')).rejects.toMatchObject({
      name: 'ConfigurationError',
      error: 'invalid_client',
    })
  })

  it.each([
    ['500', new Response('oops', { status: 500 }), 500],
    ['503 with an OAuth error', json({ error: 'temporarily_unavailable' }, { status: 503 }), 503],
    ['429', new Response(null, { status: 429, headers: { 'Retry-After': '7' } }), 429],
    ['400 without an error code', new Response(null, { status: 400 }), 400],
  ])('classifies %s as a transient ServerError', async (_label, response, status) => {
    await expect(read(response)).rejects.toMatchObject({ name: 'ServerError', status, url, transient: true })
  })

  it('reads login refusals as LoginError (except 408/429/5xx)', async () => {
    const refusal = await read(json({ error: 'invalid_grant', error_description: 'wrong password' }, { status: 401 }), 'login').catch(
      (caught: unknown) => caught,
    )
    expect(refusal).toBeInstanceOf(LoginError)
    expect(refusal).toMatchObject({ status: 401, error: 'invalid_grant', description: 'wrong password', transient: false })
    await expect(read(new Response(null, { status: 429 }), 'login')).rejects.toMatchObject({ name: 'ServerError' })
    await expect(read(new Response(null, { status: 408 }), 'login')).rejects.toMatchObject({ name: 'ServerError' })
    await expect(read(new Response(null, { status: 502 }), 'login')).rejects.toMatchObject({ name: 'ServerError' })
  })
})

describe('parseRetryAfter', () => {
  const now = Date.UTC(2026, 0, 1)
  const retryAfter = (value: string, date?: number) =>
    parseRetryAfter(new Response(null, { headers: { 'Retry-After': value, ...(date ? { Date: new Date(date).toUTCString() } : {}) } }), now)

  it('reads delta-seconds', () => {
    expect(retryAfter('120')).toBe(120_000)
    expect(retryAfter(' 0 ')).toBe(0)
  })

  it("reads an HTTP date against the response's own Date (the device clock may be wrong)", () => {
    const serverNow = now + 86_400_000
    expect(retryAfter(new Date(serverNow + 30_000).toUTCString(), serverNow)).toBe(30_000)
    expect(retryAfter(new Date(now + 30_000).toUTCString())).toBe(30_000)
    expect(retryAfter(new Date(now - 30_000).toUTCString())).toBe(0)
  })

  it('ignores a missing or unreadable header', () => {
    expect(parseRetryAfter(new Response(null), now)).toBeUndefined()
    expect(retryAfter('soon')).toBeUndefined()
  })
})

describe('keepalive: what must outlive the page', () => {
  const recording = () => {
    const inits: (RequestInit | undefined)[] = []
    const env = Object.assign(new FakeEnvironment(), {
      fetch: (_input: RequestInfo | URL, init?: RequestInit) => {
        inits.push(init)
        return Promise.resolve(json({ access_token: mintAccessToken(Date.now(), 60) }))
      },
    })
    return { env, inits }
  }

  it('sends a refresh with keepalive, so a page closed meanwhile still gets its Set-Cookie applied', async () => {
    const { env, inits } = recording()
    await sendToCompletion(env, request)
    expect(inits[0]?.keepalive).toBe(true)
  })

  it('lets a wire format turn keepalive off', async () => {
    const { env, inits } = recording()
    await sendToCompletion(env, { url, init: { method: 'POST', keepalive: false } })
    expect(inits[0]?.keepalive).toBe(false)
  })

  it('sends the revocation of a logout with keepalive', async () => {
    const { env, inits } = recording()
    const options = normalizeOptions({ refreshUrl: url, logoutUrl: 'https://auth.test/auth/logout', environment: env })
    await revokeSession(options, { everywhere: false })
    expect(inits[0]?.keepalive).toBe(true)
  })
})

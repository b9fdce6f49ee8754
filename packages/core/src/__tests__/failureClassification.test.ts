import { flush, mintJwt, runFor, type FakeEnvironment } from '@tokenlife/test-utils'
import { http, HttpResponse } from 'msw'
import { describe, expect, it } from 'vitest'
import {
  isInvalidResponseError,
  isNetworkError,
  isServerError,
  isSessionEndedError,
  SessionEndedError,
  TokenlifeError,
} from '../errors'
import { mswServer, setup } from './setup'

const minute = 60_000
/** Retry gaps with the default timing and random 0.5: 0.75 × min(60 s, 1 s × 2^n). */
const backoff = (count: number) => Array.from({ length: count }, (_, i) => Math.min(0.75 * 1_000 * 2 ** i, 45_000))
const gaps = (times: number[]) => times.slice(1).map((time, i) => time - times[i]!)
/**
 * When a started client's first scheduled refresh comes: its start refresh began a new phase, so with random 0.5 it
 * is due halfway through the token's spread window (4.8–48 s after issue for a 60 s token; see refreshTiming.ts).
 */
const firstRefresh = 26_400

/** A started client (one refresh at t0); its refresh endpoint then answers every request with `answer`. */
async function failingFromNowOn(answer: () => Response | Promise<Response>, options: Parameters<typeof setup>[0] = {}) {
  const context = setup(options)
  context.server.issueSession()
  await context.auth.start()
  const times: number[] = []
  mswServer.use(
    http.post(`${context.server.origin}/auth/refresh`, () => {
      times.push(context.env.now())
      return answer()
    }),
  )
  return { ...context, times, startedAt: context.env.now() }
}

/** Puts the fake server's normal handlers back in front. */
const recover = (server: ReturnType<typeof setup>['server']) => mswServer.use(...server.handlers)

const transientFailures: [string, () => Response, (error: unknown) => boolean, Record<string, unknown>][] = [
  ['a network error', () => HttpResponse.error(), isNetworkError, { name: 'NetworkError', timedOut: false }],
  ['HTTP 500', () => new HttpResponse('oops', { status: 500 }), isServerError, { name: 'ServerError', status: 500 }],
  [
    'HTTP 503 with an OAuth error body',
    () => HttpResponse.json({ error: 'temporarily_unavailable' }, { status: 503 }),
    isServerError,
    { status: 503 },
  ],
  ['HTTP 429 without Retry-After', () => new HttpResponse(null, { status: 429 }), isServerError, { status: 429, retryAfterMs: undefined }],
  [
    'a success that is not JSON',
    () => new HttpResponse('<html>hello</html>', { headers: { 'Content-Type': 'text/html' } }),
    isInvalidResponseError,
    { name: 'InvalidResponseError', problem: 'the body is not JSON' },
  ],
  ['a success without access_token', () => HttpResponse.json({ token_type: 'Bearer', expires_in: 60 }), isInvalidResponseError, {}],
  [
    'a success whose JWT does not decode',
    () => HttpResponse.json({ access_token: 'eyJhbGciOi.not-base64!.sig', expires_in: 60 }),
    isInvalidResponseError,
    { problem: 'access_token is not a decodable JWT' },
  ],
  ['an opaque token without expires_in', () => HttpResponse.json({ access_token: 'opaque-token' }), isInvalidResponseError, {}],
  [
    'a JWT without exp and without expires_in',
    () => HttpResponse.json({ access_token: mintJwt({ sub: 'user-1' }) }),
    isInvalidResponseError,
    {},
  ],
  ['expires_in: null and no exp', () => HttpResponse.json({ access_token: 'opaque', expires_in: null }), isInvalidResponseError, {}],
  ['expires_in: 0', () => HttpResponse.json({ access_token: 'opaque', expires_in: 0 }), isInvalidResponseError, {}],
  ['expires_in: -60', () => HttpResponse.json({ access_token: 'opaque', expires_in: -60 }), isInvalidResponseError, {}],
]

describe('transient failures keep the session and retry with capped backoff', () => {
  it.each(transientFailures)('%s', async (_label, answer, guard, fields) => {
    const { env, auth, states, times, startedAt } = await failingFromNowOn(answer)
    await runFor(env, 5 * minute)

    const state = auth.getState()
    expect(state.status).toBe('authenticated')
    expect(guard(state.error)).toBe(true)
    expect(state.error).toBeInstanceOf(TokenlifeError)
    expect(state.error).toMatchObject({ transient: true, ...fields })
    expect(states.length).toBeGreaterThan(1)
    expect(states.every((seen) => seen.status === 'authenticated')).toBe(true)
    // No tight loop: the first try 26.4 s in, then only as fast as the backoff allows, capped at 45 s apart.
    expect(times[0]! - startedAt).toBe(firstRefresh)
    expect(gaps(times)).toEqual(backoff(times.length - 1))
    expect(times).toHaveLength(12) // the last at 26.4 + 272.25 s
  })

  it('a request that never answers: callers give up after requestTimeoutMs, the request is not aborted, and it holds the lock for 4 × lockTimeoutMs', async () => {
    const signals: AbortSignal[] = []
    const { env, auth, times } = await failingFromNowOn(() => new Promise<Response>(() => {}), {
      timing: { requestTimeoutMs: 2_000 },
    })
    mswServer.events.on('request:start', ({ request }) => {
      signals.push(request.signal)
    })
    await runFor(env, firstRefresh)
    expect(times).toHaveLength(1)
    await runFor(env, 1_999)
    expect(auth.getState().error).toBeUndefined()
    await runFor(env, 1)
    expect(auth.getState()).toMatchObject({ status: 'authenticated', error: { name: 'NetworkError', timedOut: true } })
    await runFor(env, 5 * minute)
    // The unanswered request keeps the lock for 4 × lockTimeoutMs (60 s) after it left: a second request with the same
    // refresh token goes out no sooner, and only as fast as the backoff allows after that.
    expect(gaps(times)).toEqual(backoff(times.length - 1).map((delay) => Math.max(60_000, delay + 2_000)))
    mswServer.events.removeAllListeners()
    expect(signals.length).toBeGreaterThan(0)
    expect(signals.some((signal) => signal.aborted)).toBe(false)
  })

  it('a success whose body never arrives times out too (and is retried)', async () => {
    const stalled = () =>
      new HttpResponse(new ReadableStream({ start() {} }), { headers: { 'Content-Type': 'application/json' } })
    const { env, auth, times } = await failingFromNowOn(stalled, { timing: { requestTimeoutMs: 2_000 } })
    await runFor(env, 47_000)
    expect(auth.getState().error).toMatchObject({ name: 'NetworkError', timedOut: true })
    // Each stalled answer keeps the lock for 4 × lockTimeoutMs (60 s); then the next try goes out.
    await runFor(env, 3 * minute)
    expect(times.length).toBeGreaterThan(3)
  })

  it('recovers: the next success clears the error and the schedule is back to normal', async () => {
    const { env, server, auth, states } = await failingFromNowOn(() => new HttpResponse(null, { status: 502 }))
    await runFor(env, firstRefresh + 5_250) // four failures: 26.4 s, +0.75 s, +2.25 s, +5.25 s
    recover(server)
    await runFor(env, 6_000) // the retry 6 s later succeeds
    const recovered = auth.getState()
    expect(recovered).toMatchObject({ status: 'authenticated', accessToken: server.stats.issued.at(-1) })
    expect(recovered.error).toBeUndefined()
    expect(states.at(-1)).toBe(recovered)
    // A retry's token begins a new phase: the next refresh halfway through its window again.
    const before = server.stats.refreshRequests
    await runFor(env, firstRefresh - 1)
    expect(server.stats.refreshRequests).toBe(before)
    await runFor(env, 1)
    expect(server.stats.refreshRequests).toBe(before + 1)
  })

  it('keeps initializing (not unauthenticated) when the first refresh fails, and retries', async () => {
    const { env, server, auth, states } = setup()
    server.issueSession()
    server.respondNextRefresh(() => new HttpResponse(null, { status: 503 }))
    await auth.start()
    expect(auth.getState()).toMatchObject({ status: 'initializing', error: { name: 'ServerError', status: 503 } })
    await runFor(env, 750)
    expect(auth.getState().status).toBe('authenticated')
    expect(states.map((state) => state.status)).toEqual(['initializing', 'authenticated'])
  })
})

describe('Retry-After', () => {
  const retryAfter = (env: FakeEnvironment, value: (now: number) => string) => () =>
    new HttpResponse(null, {
      status: 429,
      headers: { 'Retry-After': value(env.now()), Date: new Date(env.now()).toUTCString() },
    })

  it.each([
    ['delta-seconds', () => '120'],
    ['an HTTP date', (now: number) => new Date(now + 120_000).toUTCString()],
  ])('is honoured (%s): no retry before it, not even on wake-ups or getAccessToken()', async (_label, value) => {
    const { env, server, auth } = setup()
    server.issueSession()
    await auth.start()
    server.respondNextRefresh(retryAfter(env, value))
    await runFor(env, firstRefresh)
    expect(server.stats.refreshRequests).toBe(2)
    expect(auth.getState().error).toMatchObject({ name: 'ServerError', status: 429, retryAfterMs: 120_000 })

    await runFor(env, 30_000) // the token has expired
    env.wake('visible')
    env.wake('online')
    await expect(auth.getAccessToken()).rejects.toMatchObject({ name: 'ServerError', status: 429 })
    await expect(auth.refresh()).rejects.toMatchObject({ name: 'ServerError', status: 429 })
    await runFor(env, 89_999)
    expect(server.stats.refreshRequests).toBe(2)
    await runFor(env, 1)
    expect(server.stats.refreshRequests).toBe(3)
    expect(auth.getState()).toMatchObject({ status: 'authenticated', accessToken: server.stats.issued.at(-1) })
  })
})

describe('Retry-After is capped', () => {
  const year = 365 * 24 * 60 * minute
  const unavailable = (env: FakeEnvironment, value: string | ((now: number) => string)) => () =>
    new HttpResponse(null, {
      status: 503,
      headers: { 'Retry-After': typeof value === 'string' ? value : value(env.now()), Date: new Date(env.now()).toUTCString() },
    })

  it.each([
    ['delta-seconds', '31536000'],
    ['an HTTP date', (now: number) => new Date(now + year).toUTCString()],
  ])('a year (%s) is waited for 5 minutes (timing.maxRetryAfterMs), not for the life of the page', async (_label, value) => {
    const { env, server, auth, events } = setup()
    server.issueSession()
    await auth.start()
    server.respondNextRefresh(unavailable(env, value))
    await runFor(env, firstRefresh)
    expect(server.stats.refreshRequests).toBe(2)
    // The error still says what the server asked for; the client waits the capped time.
    expect(auth.getState().error).toMatchObject({ name: 'ServerError', status: 503, retryAfterMs: year })
    expect(events.filter((event) => event.type === 'refresh-failed')).toMatchObject([{ retryInMs: 5 * minute }])

    await runFor(env, 5 * minute - 1)
    await expect(auth.refresh()).rejects.toMatchObject({ name: 'ServerError', status: 503 })
    expect(server.stats.refreshRequests).toBe(2)
    await runFor(env, 1)
    expect(server.stats.refreshRequests).toBe(3)
    expect(auth.getState()).toMatchObject({ status: 'authenticated', accessToken: server.stats.issued.at(-1) })
    expect(auth.getState().error).toBeUndefined()
  })

  it("lets the app's explicit refresh() through once the cap has passed, before the next scheduled retry", async () => {
    // A backoff longer than the cap (7.5 minutes here), so the explicit refresh is the first request after the cap.
    const timing = { maxRetryAfterMs: minute, retryBaseMs: 10 * minute, retryMaxMs: 10 * minute }
    const { env, server, auth } = setup({ timing })
    server.issueSession()
    await auth.start()
    server.respondNextRefresh(unavailable(env, '31536000'))
    await runFor(env, firstRefresh)
    expect(server.stats.refreshRequests).toBe(2)

    await runFor(env, minute - 1)
    await expect(auth.refresh()).rejects.toMatchObject({ name: 'ServerError', status: 503 })
    await expect(auth.getAccessToken()).rejects.toMatchObject({ name: 'ServerError', status: 503 })
    expect(server.stats.refreshRequests).toBe(2)
    await runFor(env, 1)
    expect(server.stats.refreshRequests).toBe(2) // no scheduled retry yet: the backoff is longer
    const state = await auth.refresh()
    expect(server.stats.refreshRequests).toBe(3)
    expect(state).toMatchObject({ status: 'authenticated', accessToken: server.stats.issued.at(-1) })
  })
})

describe('offline', () => {
  it('sends nothing while offline and refreshes as soon as the device is back online', async () => {
    const { env, server, auth } = setup()
    server.issueSession()
    await auth.start()
    env.online = false
    await runFor(env, 30 * minute)
    expect(server.stats.refreshRequests).toBe(1)
    expect(auth.getState().status).toBe('authenticated')
    env.online = true
    env.wake('online')
    await flush()
    expect(server.stats.refreshRequests).toBe(2)
    expect(auth.getState().accessToken).toBe(server.stats.issued.at(-1))
  })

  it('stops retrying while offline after a network error, and retries once online', async () => {
    const { env, server, times } = await failingFromNowOn(() => HttpResponse.error())
    await runFor(env, firstRefresh)
    expect(times).toHaveLength(1)
    env.online = false
    await runFor(env, 10 * minute)
    expect(times).toHaveLength(1)
    recover(server)
    env.online = true
    env.wake('online')
    await flush()
    expect(server.stats.refreshRequests).toBe(2)
  })
})

describe('refusals end the session', () => {
  const refusals: [string, () => Response, number, string | undefined][] = [
    [
      'HTTP 400 invalid_grant',
      () => HttpResponse.json({ error: 'invalid_grant', error_description: 'revoked' }, { status: 400 }),
      400,
      'invalid_grant',
    ],
    ['HTTP 401 invalid_grant', () => HttpResponse.json({ error: 'invalid_grant' }, { status: 401 }), 401, 'invalid_grant'],
    ['HTTP 401 with an empty body', () => new HttpResponse(null, { status: 401 }), 401, undefined],
  ]

  it.each(refusals)('%s while signed in → unauthenticated (revoked), and no more requests', async (_label, answer) => {
    const { env, auth, states, times } = await failingFromNowOn(answer)
    await runFor(env, 45_000)
    expect(auth.getState()).toEqual({ status: 'unauthenticated', reason: 'revoked' })
    expect(states.at(-1)).toEqual({ status: 'unauthenticated', reason: 'revoked' })
    const error = await auth.getAccessToken().catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(SessionEndedError)
    expect(error).toMatchObject({ name: 'SessionEndedError', reason: 'revoked', transient: false })
    await runFor(env, 30 * minute)
    expect(times).toHaveLength(1)
  })

  it.each(refusals)('%s gives the waiting caller the status and OAuth error code', async (_label, answer, status, code) => {
    const { env, server, auth } = setup()
    server.issueSession()
    await auth.start()
    server.respondNextRefresh(answer)
    env.sleep(2 * minute)
    const error = await auth.getAccessToken().catch((caught: unknown) => caught)
    expect(isSessionEndedError(error)).toBe(true)
    expect(error).toMatchObject({ reason: 'revoked', status, error: code })
  })

  it.each(refusals)('%s while starting → unauthenticated (no_session)', async (_label, answer) => {
    const { server, auth, states } = setup()
    server.respondNextRefresh(answer)
    await auth.start()
    expect(auth.getState()).toEqual({ status: 'unauthenticated', reason: 'no_session' })
    expect(states).toEqual([{ status: 'unauthenticated', reason: 'no_session' }])
  })

  it('a session revoked on the server (password changed) ends at the next refresh', async () => {
    const { env, server, auth } = setup()
    server.issueSession()
    await auth.start()
    server.revokeAll()
    await runFor(env, 45_000)
    expect(auth.getState()).toEqual({ status: 'unauthenticated', reason: 'revoked' })
  })
})

describe('the refusal that ended a session is reported', () => {
  it('session-ended carries the server error and description', async () => {
    const { server, auth, events } = setup()
    server.issueSession()
    await auth.start()
    server.revokeAll()
    await expect(auth.refresh()).rejects.toMatchObject({ name: 'SessionEndedError', reason: 'revoked', status: 400, error: 'invalid_grant' })
    const ended = events.find((event) => event.type === 'session-ended')
    expect(ended).toMatchObject({ reason: 'revoked', error: { error: 'invalid_grant', description: 'unknown or revoked refresh token' } })
  })
})

describe('a malformed success still holds the rotated refresh token (a one-time secret)', () => {
  it.each([
    ['an access token that looks like a JWT but does not decode', { access_token: 'not.a.jwt' }],
    ['an opaque token without expires_in', { access_token: 'opaque-token', expires_in: undefined }],
    ['expires_in: 0', { expires_in: 0 }],
  ])('storage mode, %s: the answer is refused, its rotated refresh token kept; the retry presents it, no reuse', async (_label, mangle) => {
    const { env, server, auth } = setup({ refreshToken: 'storage' })
    await auth.start()
    await auth.login({ username: 'ada', password: 'secret' })
    server.respondNextRefresh(async (_request, proceed) => {
      // The server rotated (rt-1-1 → rt-1-2) and answers with the new refresh token, but an access token the
      // client cannot use.
      const body = (await (await proceed()).json()) as Record<string, unknown>
      return HttpResponse.json({ ...body, ...mangle })
    })
    await expect(auth.refresh()).rejects.toMatchObject({ name: 'InvalidResponseError' })
    await runFor(env, 5_000)
    expect(server.stats.presented).toEqual(['rt-1-1', 'rt-1-2'])
    expect(server.stats.reuseDetected).toBe(0)
    expect(auth.getState()).toMatchObject({ status: 'authenticated', accessToken: server.stats.issued.at(-1) })
    expect(auth.getState().error).toBeUndefined()
  })
})

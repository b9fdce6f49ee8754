import { FakeEnvironment, mintAccessToken, runFor } from '@tokenlife/test-utils'
import { http, HttpResponse } from 'msw'
import { describe, expect, it, vi } from 'vitest'
import { MAX_TOKEN_RESPONSE_BYTES } from '../boundedBody'
import { isInvalidResponseError } from '../errors'
import { send } from '../transport'
import { mswServer, setup } from './setup'

const KiB = 1024
const encoder = new TextEncoder()

/** A token response padded with an unused field to exactly `bytes` bytes. */
function tokenBodyOfSize(now: number, bytes: number): string {
  const base = { access_token: mintAccessToken(now, 60), token_type: 'Bearer', expires_in: 60, padding: '' }
  const overhead = encoder.encode(JSON.stringify(base)).byteLength
  return JSON.stringify({ ...base, padding: 'x'.repeat(bytes - overhead) })
}

/** A body that never ends: 16 KiB per pull. Counts pulls and notes a cancel. */
function endlessStream() {
  const seen = { pulls: 0, cancelled: false }
  const chunk = encoder.encode('x'.repeat(16 * KiB))
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      seen.pulls++
      controller.enqueue(chunk)
    },
    cancel() {
      seen.cancelled = true
    },
  })
  return { stream, seen }
}

describe('token endpoint responses are read up to 64 KiB', () => {
  it('is 64 KiB', () => {
    expect(MAX_TOKEN_RESPONSE_BYTES).toBe(64 * KiB)
  })

  it('adopts a token response of exactly the cap', async () => {
    const { env, server, auth } = setup()
    server.issueSession()
    server.respondNextRefresh(() =>
      new HttpResponse(tokenBodyOfSize(env.now(), 64 * KiB), { headers: { 'Content-Type': 'application/json' } }),
    )
    await auth.start()
    expect(auth.getState().status).toBe('authenticated')
  })

  it('refuses a refresh response one byte over the cap with an InvalidResponseError naming the cap, and keeps the session', async () => {
    const { env, server, auth } = setup()
    server.issueSession()
    await auth.start()
    const before = auth.getState().accessToken
    server.respondNextRefresh(() =>
      new HttpResponse(tokenBodyOfSize(env.now(), 64 * KiB + 1), { headers: { 'Content-Type': 'application/json' } }),
    )
    const error = await auth.refresh().catch((caught: unknown) => caught)
    expect(isInvalidResponseError(error)).toBe(true)
    expect((error as Error).message).toMatch(/over the 65536-byte cap on token endpoint responses/)
    expect(auth.getState()).toMatchObject({ status: 'authenticated', accessToken: before, error: { name: 'InvalidResponseError' } })
    // Transient: the scheduled retry (the server answers normally again) recovers.
    await runFor(env, 2_000)
    expect(auth.getState()).toMatchObject({ status: 'authenticated', accessToken: server.stats.issued.at(-1) })
    expect(auth.getState().error).toBeUndefined()
  })

  it('stops reading a body that never ends and rejects, instead of buffering it whole', async () => {
    const { server, auth } = setup()
    const { stream, seen } = endlessStream()
    mswServer.use(http.post(`${server.origin}/auth/login`, () => new HttpResponse(stream, { headers: { 'Content-Type': 'application/json' } })))
    const error = await auth.login({ username: 'ada', password: 'secret' }).catch((caught: unknown) => caught)
    expect(isInvalidResponseError(error)).toBe(true)
    expect((error as Error).message).toContain('65536')
    // A few chunks past 64 KiB at most (msw's copy of the stream buffers a little), then nothing more is pulled.
    expect(seen.pulls).toBeLessThanOrEqual(16)
    const pulled = seen.pulls
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(seen.pulls).toBe(pulled)
    expect(auth.getState().status).not.toBe('authenticated')
  })

  it('refuses an error response over the cap too (a 503 page from a proxy), as a transient InvalidResponseError', async () => {
    const { server, auth } = setup()
    server.issueSession()
    server.respondNextRefresh(() => new HttpResponse('<html>' + 'x'.repeat(100 * KiB), { status: 503 }))
    await auth.start()
    expect(auth.getState()).toMatchObject({ status: 'initializing', error: { name: 'InvalidResponseError' } })
  })
})

describe('send()', () => {
  const request = { url: 'https://auth.test/auth/refresh', init: { method: 'POST' } }

  it('refuses a Content-Length over the cap without reading the body', async () => {
    const { stream, seen } = endlessStream()
    const env = Object.assign(new FakeEnvironment(), {
      fetch: async () => new Response(stream, { status: 200, headers: { 'Content-Length': String(10 * 1024 * KiB) } }),
    })
    const error = await send(env, request, { timeoutMs: 10_000 }).catch((caught: unknown) => caught)
    expect(isInvalidResponseError(error)).toBe(true)
    expect((error as Error).message).toContain('Content-Length: 10485760')
    expect(seen.cancelled).toBe(true)
    expect(seen.pulls).toBeLessThanOrEqual(1) // a ReadableStream pulls once to fill its queue; nothing is read
    expect(env.pendingTimers).toBe(0)
  })

  it('reads the body once (no clone) and hands back its bytes with the status and headers', async () => {
    const original = new Response('{"access_token":"x"}', { status: 201, headers: { 'X-Test': 'yes' } })
    const clone = vi.spyOn(original, 'clone')
    const env = Object.assign(new FakeEnvironment(), { fetch: async () => original })
    const response = await send(env, request, { timeoutMs: 10_000 })
    expect(clone).not.toHaveBeenCalled()
    expect(original.bodyUsed).toBe(true)
    expect(response.status).toBe(201)
    expect(response.headers.get('X-Test')).toBe('yes')
    expect(await response.text()).toBe('{"access_token":"x"}')
  })

  it('keeps bodiless statuses bodiless', async () => {
    const env = Object.assign(new FakeEnvironment(), { fetch: async () => new Response(null, { status: 204 }) })
    const response = await send(env, request, { timeoutMs: 10_000 })
    expect(response.status).toBe(204)
    expect(await response.text()).toBe('')
  })
})

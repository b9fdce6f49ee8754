import { request } from 'node:http'
import { connect } from 'node:net'
import fc from 'fast-check'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { DEMO, login, signIn, start } from './helpers'

/** Every status the server documents (README, "Errors"); 431 comes only from Node's HTTP parser (headers over 16 KB). */
const DOCUMENTED_STATUSES = new Set([200, 301, 400, 401, 403, 404, 405, 413, 415, 429, 431])
const DOCUMENTED_ERRORS = new Set([
  'invalid_request',
  'unsupported_grant_type',
  'invalid_grant',
  'invalid_token',
  'access_denied',
  'not_found',
  'too_many_requests',
])

interface FuzzRequest {
  method: string
  path: string
  /** Raw header pairs: a name may repeat. `SELF` stands for the server's origin, `RT`/`AT` for live tokens. */
  headers: Array<[string, string]>
  body: Buffer
  chunked: boolean
}

interface FuzzReply {
  status: number
  headers: Record<string, string | string[] | undefined>
  text: string
}

/** Sends with node:http, which lets the test repeat headers, set Host and choose chunked or sized bodies. */
function send(port: number, req: FuzzRequest): Promise<FuzzReply> {
  return new Promise((resolve, reject) => {
    const flat: string[] = []
    // With raw headers node:http adds no Host of its own (and Node's server answers a request without one 400).
    if (!req.headers.some(([name]) => name.toLowerCase() === 'host')) flat.push('Host', `127.0.0.1:${port}`)
    for (const [name, value] of req.headers) flat.push(name, value)
    if (!req.chunked && req.body.length > 0) flat.push('Content-Length', String(req.body.length))
    const outgoing = request({ host: '127.0.0.1', port, method: req.method, path: req.path, headers: flat, agent: false })
    outgoing.on('response', (incoming) => {
      const chunks: Buffer[] = []
      incoming.on('data', (chunk: Buffer) => chunks.push(chunk))
      incoming.on('end', () =>
        resolve({ status: incoming.statusCode ?? 0, headers: incoming.headers, text: Buffer.concat(chunks).toString() }),
      )
    })
    outgoing.on('error', reject)
    if (req.chunked) {
      // Several chunks, so the body really arrives chunked and in pieces.
      for (let i = 0; i < req.body.length; i += 4096) outgoing.write(req.body.subarray(i, i + 4096))
    } else if (req.body.length > 0) {
      outgoing.write(req.body)
    }
    outgoing.end()
  })
}

// ---- generators ----------------------------------------------------------------------------------------------------

const printable = (maxLength: number) =>
  fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((code) => String.fromCharCode(code)), maxLength })

/** A value of any JSON type, or a plausible string. */
const anyField = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ minLength: 250, maxLength: 1500 }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.string({ maxLength: 5 }), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }), { maxKeys: 3 }),
  fc.constantFrom(DEMO.email, DEMO.password, ` ${DEMO.email.toUpperCase()} `, 'storage', '__proto__'),
)

const jsonBody = fc.oneof(
  fc.record(
    {
      email: anyField,
      password: anyField,
      currentPassword: anyField,
      newPassword: anyField,
      refresh_token_mode: anyField,
      __proto__: anyField,
    },
    { requiredKeys: [] },
  ),
  fc.jsonValue({ maxDepth: 3 }),
).map((value) => JSON.stringify(value) ?? 'null')

const formBody = fc
  .array(
    fc.tuple(
      fc.constantFrom('grant_type', 'refresh_token', 'token', 'token_type_hint', 'everywhere', 'refresh_token_mode', 'x'),
      fc.oneof(
        fc.constantFrom('refresh_token', 'password', 'true', 'false', 'access_token', 'RT', 'AT', ''),
        fc.string({ maxLength: 60 }),
      ),
    ),
    { maxLength: 6 },
  )
  .map((pairs) => new URLSearchParams(pairs).toString())

const malformedBody = fc.oneof(
  fc.constantFrom('{', '{"email":', '[', '"', 'nul', '{"a":1}}', '%%%', 'a=%ZZ&b', '&&&==', '\u0000', '\ufeff{}', '{"email":"\ud800"}'),
  fc.string({ maxLength: 200 }),
  fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes).toString('latin1')),
)

/** Just over the 16 KB limit, or well over it. */
const oversizedBody = fc.integer({ min: 16 * 1024 + 1, max: 80 * 1024 }).map((size) => `{"email":"${'x'.repeat(size)}"}`)

const body = fc.oneof(
  { weight: 3, arbitrary: jsonBody },
  { weight: 3, arbitrary: formBody },
  { weight: 2, arbitrary: malformedBody },
  { weight: 1, arbitrary: oversizedBody },
  { weight: 1, arbitrary: fc.constant('') },
)

const header = (name: string, values: fc.Arbitrary<string>) => values.map((value): [string, string] => [name, value])

const hostileHeaders = fc.array(
  fc.oneof(
    header('Content-Type', fc.constantFrom(
      'application/json', 'application/x-www-form-urlencoded', 'text/plain', 'multipart/form-data; boundary=x',
      'application/json; charset=utf-8', 'APPLICATION/JSON', 'application/vnd.api+json', 'garbage/;;;', '',
      'application/x-www-form-urlencoded; charset=latin1',
    )),
    header('Origin', fc.oneof(fc.constantFrom('SELF', 'https://evil.example', 'null', '', 'javascript:alert(1)', 'SELF/'), printable(300))),
    header('Sec-Fetch-Site', fc.constantFrom('cross-site', 'same-site', 'same-origin', 'none', 'garbage', '')),
    header('Cookie', fc.oneof(
      fc.constantFrom('tokenlife_rt=RT', 'tokenlife_rt=garbage', 'tokenlife_rt=%ZZ', 'tokenlife_rt=RT; tokenlife_rt=x', '=;;;', 'tokenlife_rt='),
      printable(500).map((value) => `tokenlife_rt=${value}`),
    )),
    header('Authorization', fc.oneof(
      fc.constantFrom('Bearer AT', 'Bearer a.b.c', 'Bearer', 'bearer AT', 'Basic ZGVtbzpkZW1v', 'Bearer AT AT', 'Bearer ..'),
      printable(2000).map((value) => `Bearer ${value}`),
    )),
    header('X-Refresh-Token-Mode', fc.constantFrom('storage', 'STORAGE', 'cookie', '')),
    header('X-Forwarded-Proto', fc.constantFrom('https', 'http', 'gopher', 'https, http', '')),
    header('X-Forwarded-Host', fc.oneof(fc.constantFrom('evil.example', '[::1', 'a b', ''), printable(100))),
    header('X-Forwarded-For', fc.oneof(fc.constantFrom('1.2.3.4', '1.2.3.4, 5.6.7.8', 'garbage', ''), printable(200))),
    header('Host', fc.constantFrom('evil.example', 'localhost:99999', '[::1]', '[::1', 'a_b', 'a b', '127.0.0.1:1:2', '..', '%00', '')),
    header('Accept', fc.constantFrom('application/json', '*/*', 'text/html', '')),
    header('X-Huge', fc.integer({ min: 1000, max: 17_500 }).map(String)), // that many bytes, filled in at send time
  ),
  { maxLength: 8 },
)

const path = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('/auth/login', '/auth/refresh', '/auth/logout', '/auth/logout-everywhere', '/auth/change-password') },
  { weight: 1, arbitrary: fc.constantFrom('/api/me', '/api/data') },
  {
    weight: 1,
    arbitrary: fc.constantFrom('/', '/auth/', '/auth/login/', '/auth/%2e%2e/login', '/AUTH/LOGIN', '/auth/login?x=1&x=2', '/%E0%A4%A', '/auth//login', '/react/../auth/login'),
  },
)

const fuzzRequest = fc.record({
  method: fc.constantFrom('POST', 'POST', 'POST', 'POST', 'GET', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD'),
  path,
  headers: hostileHeaders,
  body,
  chunked: fc.boolean(),
})

// ---- the run -------------------------------------------------------------------------------------------------------

describe('fuzzing the endpoints', () => {
  let errors: ReturnType<typeof vi.spyOn>
  beforeEach(() => {
    errors = vi.spyOn(console, 'error')
  })
  afterEach(() => errors.mockRestore())

  it('answers hostile requests with a documented 4xx (never 5xx), in JSON, and keeps serving', async () => {
    const server = await start()
    let tokens = await signIn(server)
    const statuses = new Map<number, number>()
    let runs = 0

    await fc.assert(
      fc.asyncProperty(fuzzRequest, async (generated) => {
        runs += 1
        if (runs % 40 === 0) tokens = await signIn(server).catch(() => tokens) // fresh live tokens now and then
        const live = (text: string) =>
          text.replaceAll('SELF', server.url).replaceAll('RT', tokens.refresh).replaceAll('AT', tokens.access)
        const req: FuzzRequest = {
          method: generated.method,
          path: generated.path,
          headers: generated.headers.map(([name, value]) => [name, name === 'X-Huge' ? 'h'.repeat(Number(value)) : live(value)]),
          body: Buffer.from(live(generated.body), 'utf8'),
          chunked: generated.chunked,
        }
        const reply = await send(server.port, req)
        statuses.set(reply.status, (statuses.get(reply.status) ?? 0) + 1)

        expect(reply.status, `${req.method} ${req.path} → ${reply.status} ${reply.text.slice(0, 200)}`).toBeLessThan(500)
        expect(DOCUMENTED_STATUSES.has(reply.status), `undocumented status ${reply.status}`).toBe(true)
        // Node's HTTP parser answers what it cannot parse (no or two Host headers, bad framing) 400, and headers over
        // 16 KB 431, before the app sees it: no body, no headers of the app.
        const fromParser = reply.headers['x-content-type-options'] === undefined && reply.text === ''
        if (fromParser) expect([400, 431]).toContain(reply.status)
        else if (reply.status >= 400 && req.method !== 'HEAD') {
          expect(`${reply.headers['content-type']} (${reply.status} ${reply.text.slice(0, 200)})`).toMatch(/^application\/json/)
          const parsed = JSON.parse(reply.text) as { error?: unknown; error_description?: unknown }
          expect(DOCUMENTED_ERRORS.has(parsed.error as string), `undocumented error ${String(parsed.error)}`).toBe(true)
          expect(typeof parsed.error_description).toBe('string')
        }
      }),
      { seed: 20261201, numRuns: 1000, endOnFailure: true },
    )

    // Nothing escaped to the generic 500 handler, and the server still works (after the rate-limit window).
    expect(errors).not.toHaveBeenCalled()
    server.clock.now += 61_000
    expect((await login(server)).status).toBe(200)
    // The run did reach the interesting answers, not only one kind of rejection.
    for (const status of [200, 400, 401, 403, 404, 405, 413, 415, 431]) expect(statuses.get(status) ?? 0).toBeGreaterThan(0)
  })

  it('answers malformed HTTP at the socket level with 4xx and keeps serving', async () => {
    const server = await start()
    const raw = (bytes: string) =>
      new Promise<string>((resolve) => {
        const socket = connect(server.port, '127.0.0.1', () => socket.end(bytes))
        let answer = ''
        socket.on('data', (chunk: Buffer) => (answer += chunk.toString()))
        socket.on('close', () => resolve(answer))
        socket.on('error', () => resolve(answer))
      })
    const cases = [
      // Content-Length and Transfer-Encoding together (request smuggling).
      'POST /auth/logout HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
      // Broken chunk sizes.
      'POST /auth/refresh HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n',
      // Two Content-Lengths that disagree.
      'POST /auth/login HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}',
      // No Host at all in HTTP/1.1, and a bad Host.
      'POST /auth/logout HTTP/1.1\r\nContent-Length: 0\r\n\r\n',
      'POST /auth/logout HTTP/1.1\r\nHost: a b\r\nContent-Length: 0\r\n\r\n',
      // Garbage request line.
      'HELLO\r\n\r\n',
      // A header line without a colon.
      'POST /auth/logout HTTP/1.1\r\nHost: x\r\nnonsense\r\n\r\n',
    ]
    for (const bytes of cases) {
      const answer = await raw(bytes)
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1])
      expect(status, JSON.stringify(bytes)).toBeGreaterThanOrEqual(400)
      expect(status, JSON.stringify(bytes)).toBeLessThan(500)
    }
    expect(errors).not.toHaveBeenCalled()
    expect((await login(server)).status).toBe(200)
  })
})

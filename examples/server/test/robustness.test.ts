import { describe, expect, it } from 'vitest'
import { call, DEMO, getApi, signIn, start } from './helpers'

const post = (path: string, body: RequestInit['body'], contentType?: string): RequestInit => ({
  method: 'POST',
  headers: contentType ? { 'Content-Type': contentType } : {},
  body,
})

describe('bad input', () => {
  it('answers malformed JSON, non-objects and missing or mistyped fields with 400 and keeps serving', async () => {
    const server = await start()
    const cases: Array<[string, string]> = [
      ['{"email": "demo@tokenlife.dev", "password": ', 'request body is not valid JSON'],
      ['', 'request body is not valid JSON'],
      ['[1, 2]', 'request body must be a JSON object'],
      ['null', 'request body must be a JSON object'],
      ['{"password": "demo-password"}', 'email is required'],
      ['{"email": "demo@tokenlife.dev"}', 'password is required'],
      ['{"email": 42, "password": "x"}', 'email must be a string'],
      [`{"email": "${'a'.repeat(300)}", "password": "x"}`, 'email is too long'],
    ]
    for (const [body, description] of cases) {
      const reply = await call(server, '/auth/login', post('/auth/login', body, 'application/json'))
      expect(reply.status).toBe(400)
      expect(reply.body).toEqual({ error: 'invalid_request', error_description: description })
    }
    expect(server.stats.loginFailures).toBe(0)
    expect((await signIn(server)).access).toEqual(expect.any(String))
  })

  it('rejects bodies over 16 KB with 413, with or without Content-Length', async () => {
    const server = await start()
    const big = JSON.stringify({ ...DEMO, padding: 'x'.repeat(17 * 1024) })
    const sized = await call(server, '/auth/login', post('/auth/login', big, 'application/json'))
    expect(sized.status).toBe(413)
    expect(sized.body.error).toBe('invalid_request')

    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 20; i += 1) controller.enqueue(new Uint8Array(1024).fill(32))
        controller.close()
      },
    })
    const chunked = await call(server, '/auth/refresh', {
      ...post('/auth/refresh', stream, 'application/x-www-form-urlencoded'),
      duplex: 'half',
    } as RequestInit)
    expect(chunked.status).toBe(413)

    // Just under the limit is fine.
    const fits = JSON.stringify({ ...DEMO, padding: 'x'.repeat(15 * 1024) })
    expect((await call(server, '/auth/login', post('/auth/login', fits, 'application/json'))).status).toBe(200)
  })

  it('rejects wrong content types with 415', async () => {
    const server = await start()
    const json = JSON.stringify(DEMO)
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      const reply = await call(server, '/auth/login', post('/auth/login', json, type))
      expect(reply.status).toBe(415)
      expect(reply.body.error).toBe('invalid_request')
    }
    expect((await call(server, '/auth/login', post('/auth/login', json))).status).toBe(415)
    expect((await call(server, '/auth/login', post('/auth/login', json, 'application/json; charset=utf-8'))).status).toBe(200)
    const refresh = await call(server, '/auth/refresh', post('/auth/refresh', 'grant_type=refresh_token', 'text/plain'))
    expect(refresh.status).toBe(415)
    const logout = await call(server, '/auth/logout', post('/auth/logout', '{}', 'application/json'))
    expect(logout.status).toBe(415)
  })

  it('rejects a repeated form parameter', async () => {
    const server = await start()
    const reply = await call(
      server,
      '/auth/refresh',
      post('/auth/refresh', 'grant_type=refresh_token&grant_type=refresh_token', 'application/x-www-form-urlencoded'),
    )
    expect(reply.status).toBe(400)
    expect(reply.body.error_description).toBe('parameter grant_type is repeated')
  })

  it('answers unknown routes with 404 JSON and wrong methods with 405', async () => {
    const server = await start()
    const missing = await call(server, '/nope')
    expect(missing.status).toBe(404)
    expect(missing.headers.get('content-type')).toMatch(/^application\/json/)
    expect(missing.body).toEqual({ error: 'not_found', error_description: 'no route for GET /nope' })

    const wrongMethod = await call(server, '/auth/login')
    expect(wrongMethod.status).toBe(405)
    expect(wrongMethod.headers.get('allow')).toBe('POST')
    expect(wrongMethod.headers.get('cache-control')).toBe('no-store')
  })

  it('keeps serving after a burst of garbage', async () => {
    const server = await start()
    const { access } = await signIn(server)
    await Promise.all([
      call(server, '/auth/login', post('/auth/login', '{{{{', 'application/json')),
      call(server, '/auth/login', post('/auth/login', 'x'.repeat(20_000), 'application/json')),
      call(server, '/auth/refresh', post('/auth/refresh', '%%%', 'application/x-www-form-urlencoded')),
      call(server, '/auth/change-password', post('/auth/change-password', '{', 'application/json')),
      call(server, '/api/me', { headers: { Authorization: 'Bearer a.b.c' } }),
      call(server, '/%E0%A4%A'),
    ])
    expect((await getApi(server, '/api/me', access)).status).toBe(200)
  })
})

import { afterEach } from 'vitest'
import type { RunningServer, StartServerOptions } from '../src/index'
import { startServer } from '../src/index'

export const DEMO = { email: 'demo@tokenlife.dev', password: 'demo-password' }
export const SECRET = 'test-secret-test-secret-test-secret-0123456789'

const running: RunningServer[] = []
afterEach(async () => {
  await Promise.all(running.splice(0).map((server) => server.close()))
})

/** Starts a server on a random port (closed after the test), with a fixed secret and a clock the test can move. */
export async function start(options: StartServerOptions = {}): Promise<RunningServer & { clock: { now: number } }> {
  const clock = { now: Date.parse('2030-01-01T00:00:00Z') }
  const server = await startServer({
    port: 0,
    jwtSecret: SECRET,
    staticDirs: {},
    now: () => clock.now,
    passwordHashCost: 1024,
    ...options,
  })
  running.push(server)
  return Object.assign(server, { clock })
}

export interface Reply {
  status: number
  headers: Headers
  body: Record<string, unknown>
  /** The `tokenlife_rt` Set-Cookie header, if any. */
  setCookie: string | undefined
  /** Its value ('' when it was cleared). */
  cookie: string | undefined
}

export async function call(server: RunningServer, path: string, init: RequestInit = {}): Promise<Reply> {
  const res = await fetch(server.url + path, init)
  const text = await res.text()
  let body: Record<string, unknown> = {}
  if (text) {
    try {
      body = JSON.parse(text) as Record<string, unknown>
    } catch {
      body = { text }
    }
  }
  const setCookie = res.headers.getSetCookie().find((c) => c.startsWith('tokenlife_rt='))
  const cookie = setCookie ? decodeURIComponent(setCookie.slice('tokenlife_rt='.length).split(';')[0] ?? '') : undefined
  return { status: res.status, headers: res.headers, body, setCookie, cookie }
}

const json = (body: unknown, headers: Record<string, string> = {}): RequestInit => ({
  method: 'POST',
  headers: { 'Content-Type': 'application/json', ...headers },
  body: JSON.stringify(body),
})

export function login(
  server: RunningServer,
  credentials: Record<string, unknown> = DEMO,
  headers: Record<string, string> = {},
): Promise<Reply> {
  return call(server, '/auth/login', json(credentials, headers))
}

/** Logs in and returns the access token and the refresh token (from the cookie). */
export async function signIn(server: RunningServer, credentials = DEMO): Promise<{ access: string; refresh: string }> {
  const reply = await login(server, credentials)
  if (reply.status !== 200 || !reply.cookie) throw new Error(`login failed: ${reply.status}`)
  return { access: reply.body.access_token as string, refresh: reply.cookie }
}

/** POSTs a form, optionally with the refresh cookie and a bearer token. */
export function postForm(
  server: RunningServer,
  path: string,
  fields: Record<string, string>,
  options: { cookie?: string; bearer?: string } = {},
): Promise<Reply> {
  const headers: Record<string, string> = { 'Content-Type': 'application/x-www-form-urlencoded' }
  if (options.cookie !== undefined) headers.Cookie = `tokenlife_rt=${options.cookie}`
  if (options.bearer !== undefined) headers.Authorization = `Bearer ${options.bearer}`
  return call(server, path, { method: 'POST', headers, body: new URLSearchParams(fields) })
}

/** A cookie-mode refresh (the token travels in the cookie). */
export const refreshWithCookie = (server: RunningServer, cookie: string) =>
  postForm(server, '/auth/refresh', { grant_type: 'refresh_token' }, { cookie })

/** A storage-mode refresh (the token travels in the body). */
export const refreshWithBody = (server: RunningServer, token: string) =>
  postForm(server, '/auth/refresh', { grant_type: 'refresh_token', refresh_token: token })

export const getApi = (server: RunningServer, path: string, token: string | undefined) =>
  call(server, path, token === undefined ? {} : { headers: { Authorization: `Bearer ${token}` } })

export function decodeJwt(token: string): { header: Record<string, unknown>; payload: Record<string, unknown> } {
  const [header, payload] = token.split('.')
  return {
    header: JSON.parse(Buffer.from(header ?? '', 'base64url').toString()) as Record<string, unknown>,
    payload: JSON.parse(Buffer.from(payload ?? '', 'base64url').toString()) as Record<string, unknown>,
  }
}

/** A promise and the function that resolves it. */
export function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve: () => void = () => {}
  const promise = new Promise<void>((settle) => {
    resolve = settle
  })
  return { promise, resolve }
}

import { http, HttpResponse } from 'msw'
import ky from 'ky'
import type { AuthClient } from '../../authClient'
import { mswServer, setup, type SetupOptions } from '../../__tests__/setup'
import { authHooks } from '../authHooks'
import type { AuthHttpOptions } from '../authorizeRequest'
import { createAuthFetch } from '../authFetch'
import { createAuthHttp } from '../createAuthHttp'

export { mswServer }

/** The app's API (listed in `allowedOrigins`). */
export const API = 'https://api.test'
/** A third party that must never see the token. */
export const EVIL = 'https://evil.test'
/** Origins that look like the API but are not it. */
export const LOOKALIKES = ['https://api.test.evil.test', 'http://api.test', 'https://api.test:8443']

/** One request as the API saw it. */
export interface Seen {
  url: string
  method: string
  authorization: string | null
  contentType: string | null
  /** Every header, names in lower case. */
  headers: Record<string, string>
  body: string
}

/** A promise with its resolve function exposed. */
export function deferred<T = void>() {
  let resolve!: (value: T) => void
  const promise = new Promise<T>((done) => {
    resolve = done
  })
  return { promise, resolve }
}

/**
 * An msw API on {@link API}, {@link EVIL} and {@link LOOKALIKES}: answers 200 (echoing what it saw), or 401 to a
 * bearer token in `refused` (with `challenge` as `WWW-Authenticate`, when set). `gate`, when set, holds every answer
 * until it resolves; `respond` may answer instead.
 */
export function createApi() {
  const api = {
    seen: [] as Seen[],
    refused: new Set<string>(),
    challenge: undefined as string | undefined,
    gate: undefined as Promise<unknown> | undefined,
    respond: undefined as ((seen: Seen) => Response | undefined) | undefined,
    /** The requests that reached the API for `path`. */
    to: (path: string) => api.seen.filter((seen) => new URL(seen.url).pathname === path),
  }
  const handle = async ({ request }: { request: Request }) => {
    const seen: Seen = {
      url: request.url,
      method: request.method,
      authorization: request.headers.get('Authorization'),
      contentType: request.headers.get('Content-Type'),
      headers: Object.fromEntries(request.headers),
      body: await request.text(),
    }
    api.seen.push(seen)
    const custom = api.respond?.(seen)
    if (custom) return custom
    if (api.gate) await api.gate
    const token = seen.authorization?.replace(/^Bearer /, '')
    if (token !== undefined && api.refused.has(token)) {
      return new HttpResponse('refused', {
        status: 401,
        headers: api.challenge === undefined ? {} : { 'WWW-Authenticate': api.challenge },
      })
    }
    return HttpResponse.json({ authorization: seen.authorization, body: seen.body })
  }
  mswServer.use(...[API, EVIL, ...LOOKALIKES].map((origin) => http.all(`${origin}/*`, handle)))
  return api
}

/** A client (`allowedOrigins: [API]`) with an API; signed in unless `signedIn: false` (then not started either). */
export async function setupHttp(options: SetupOptions & { signedIn?: boolean } = {}) {
  const { signedIn = true, ...rest } = options
  const context = setup({ allowedOrigins: [API], ...rest })
  const api = createApi()
  if (signedIn) {
    context.server.issueSession()
    await context.auth.start()
  }
  const token = (): string => {
    const { accessToken } = context.auth.getState()
    if (accessToken === undefined) throw new Error('not signed in')
    return accessToken
  }
  return { ...context, api, token }
}

const https = new WeakMap<AuthClient, ReturnType<typeof createAuthHttp>>()
const fetches = new WeakMap<AuthClient, typeof fetch>()
/** The app's ky instance for `auth` (`createAuthHttp(auth)`, made once per client). */
export const httpOf = (auth: AuthClient) => https.get(auth) ?? https.set(auth, createAuthHttp(auth)).get(auth)!
/** The app's fetch for `auth` (`createAuthFetch(auth)`, made once per client). */
export const fetchOf = (auth: AuthClient) => fetches.get(auth) ?? fetches.set(auth, createAuthFetch(auth)).get(auth)!

/** What a test sends; every adapter maps it to its own call. */
export interface Call {
  method?: string
  body?: BodyInit
  headers?: Record<string, string>
  signal?: AbortSignal
}

/** A way to send authorized requests; each behaviour test runs through every one. */
export type Adapter = (auth: AuthClient, options?: AuthHttpOptions) => (url: string, call?: Call) => Promise<Response>

/** `createAuthHttp`, the hooks on an app's own ky instance, and `createAuthFetch`; HTTP errors come back as responses. */
export const adapters: Record<string, Adapter> = {
  createAuthHttp: (auth, options) => {
    const client = options ? createAuthHttp(auth, options) : httpOf(auth)
    return (url, call) => client(url, { ...call, throwHttpErrors: false })
  },
  'authHooks on an app ky instance': (auth, options) => {
    const client = ky.create({ hooks: authHooks(auth, options), throwHttpErrors: false })
    return (url, call) => client(url, call)
  },
  createAuthFetch: (auth, options) => {
    const client = options ? createAuthFetch(auth, options) : fetchOf(auth)
    return (url, call) => client(url, call)
  },
}

/** The bearer token in an `Authorization` header value. */
export const bearer = (seen: Seen | undefined): string | undefined => seen?.authorization?.replace(/^Bearer /, '')

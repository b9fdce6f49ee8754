import { http, HttpResponse, type HttpHandler } from 'msw'
import { mintAccessToken } from './jwt'

export interface FakeAuthServerOptions {
  /** Where the endpoints live. Default `https://auth.test`. */
  origin?: string
  /** The server's clock (epoch ms); may differ from the client's to simulate skew. */
  now: () => number
  /** Access-token lifetime, seconds. Default 60. */
  accessTokenLifetime?: number
  /** Include `expires_in` in token responses. Default true. */
  expiresIn?: boolean
  /** Send a `Date` header. Default true. */
  dateHeader?: boolean
  /**
   * Where the refresh-token cookie lives. `'server'` (default): the server keeps the browser's jar itself, for msw
   * in Node, which has none, and models it per request as a browser does: a request carries the cookie the jar held
   * when it was sent, and the jar changes only when the answer is received (not for a request its sender aborted
   * meanwhile). So two requests sent before either answer arrives present the same refresh token, and the server
   * sees the reuse. `'headers'`: real `Set-Cookie`/`Cookie` headers, so a network layer such as {@link SimNetwork}
   * decides when the browser's jar changes.
   */
  cookies?: 'server' | 'headers'
  /**
   * Act as a standard server for a public client with this `client_id`: refresh and revocation requests must carry
   * it as the form parameter `client_id` (missing: `400 invalid_request`; another one: `401 invalid_client`).
   * Default: no client identity is checked.
   */
  clientId?: string
}

export interface FakeAuthServerStats {
  refreshRequests: number
  /** Refresh tokens presented to the refresh endpoint, in order (storage mode). */
  presented: string[]
  reuseDetected: number
  /** The refresh tokens presented again after they had been rotated (each one a reuse the server punished). */
  reused: string[]
  loginRequests: number
  /** Bodies and Authorization headers of logout requests. */
  logouts: { body: URLSearchParams; authorization: string | null }[]
  /** Access tokens issued, in order. */
  issued: string[]
  /**
   * Every refresh request, in order: when it arrived (server clock) and the `refresh_token` in its body (`undefined`
   * when the client relied on the cookie).
   */
  refreshLog: { at: number; bodyRefreshToken: string | undefined; tab?: string }[]
  /** Server time of every token issuance (login or refresh), in order. */
  issueTimes: number[]
  /** Refresh-token families the server revoked, and why. */
  revocations: { family: number; at: number; cause: 'reuse' | 'logout' | 'revokeAll' }[]
  /** Requests to the protected resource (`GET /api/me`) and how many were refused with 401. */
  apiRequests: number
  apiRefusals: number
}

interface RefreshRecord {
  family: number
  used: boolean
}

/** A replacement answer; `proceed()` runs the normal logic (e.g. to answer normally, but only later). */
type Override = (request: Request, proceed: () => Promise<Response>) => Response | Promise<Response>

/**
 * An msw implementation of the server half: OAuth-style refresh with rotating refresh tokens and reuse detection
 * (a reused token revokes its whole family), login and revocation. In "cookie mode" it keeps the browser's cookie
 * jar itself (msw in Node has none): a refresh without `refresh_token` in the body uses the jar.
 */
export function createFakeAuthServer(options: FakeAuthServerOptions) {
  const origin = options.origin ?? 'https://auth.test'
  const lifetime = options.accessTokenLifetime ?? 60
  const tokens = new Map<string, RefreshRecord>()
  const revokedFamilies = new Set<number>()
  const overrides: Override[] = []
  const logoutOverrides: Override[] = []
  let families = 0
  let serial = 0
  let cookieJar: string | undefined
  const stats: FakeAuthServerStats = {
    refreshRequests: 0,
    presented: [],
    reuseDetected: 0,
    reused: [],
    loginRequests: 0,
    logouts: [],
    issued: [],
    refreshLog: [],
    issueTimes: [],
    revocations: [],
    apiRequests: 0,
    apiRefusals: 0,
  }
  const headerCookies = options.cookies === 'headers'
  /** Access tokens the resource server refuses although they have not expired (see `rejectAccessTokens`). */
  const rejectedAccessTokens = new Set<string>()
  const revoke = (family: number, cause: FakeAuthServerStats['revocations'][number]['cause']) => {
    if (revokedFamilies.has(family)) return
    revokedFamilies.add(family)
    stats.revocations.push({ family, at: options.now(), cause })
  }

  const headers = () => (options.dateHeader === false ? undefined : { Date: new Date(options.now()).toUTCString() })

  const issue = (family: number) => {
    const refreshToken = `rt-${family}-${++serial}`
    tokens.set(refreshToken, { family, used: false })
    const accessToken = mintAccessToken(options.now(), lifetime, { jti: `at-${serial}` })
    stats.issued.push(accessToken)
    stats.issueTimes.push(options.now())
    return { accessToken, refreshToken }
  }

  const tokenResponse = (pair: { accessToken: string; refreshToken: string }) => {
    const response = HttpResponse.json(
      {
        access_token: pair.accessToken,
        token_type: 'Bearer',
        refresh_token: pair.refreshToken,
        ...(options.expiresIn === false ? {} : { expires_in: lifetime }),
      },
      { headers: headers() },
    )
    response.headers.set('Set-Cookie', `rt=${pair.refreshToken}; Path=/auth; HttpOnly`)
    return response
  }
  /** The cookie a request carried: its `Cookie` header, or (`cookies: 'server'`) the jar when it was sent. */
  const sentCookies = new WeakMap<Request, string | undefined>()
  const cookieOf = (request: Request) =>
    headerCookies ? /(?:^|;\s*)rt=([^;]+)/.exec(request.headers.get('Cookie') ?? '')?.[1] : sentCookies.get(request)
  /**
   * `cookies: 'server'`: the answer reaches the browser, whose jar takes its `Set-Cookie` (unless the sender aborted
   * the request first); the header itself is the browser's business and is not passed on.
   */
  const received = (request: Request, response: Response): Response => {
    if (headerCookies) return response
    const setCookie = response.headers.get('Set-Cookie')
    if (setCookie === null) return response
    response.headers.delete('Set-Cookie')
    if (request.signal?.aborted) return response
    const match = /^rt=([^;]*)(.*)$/.exec(setCookie)
    if (match) cookieJar = match[1] === '' || /max-age=0/i.test(match[2] ?? '') ? undefined : match[1]
    return response
  }

  /** A refusal of the client (not of the grant), or `undefined` when `options.clientId` is unset or matches. */
  const clientRefusal = (body: URLSearchParams): Response | undefined => {
    if (options.clientId === undefined) return undefined
    const sent = body.get('client_id')
    if (sent === null) {
      return HttpResponse.json(
        { error: 'invalid_request', error_description: 'no client authentication mechanism provided' },
        { status: 400, headers: headers() },
      )
    }
    if (sent !== options.clientId) {
      return HttpResponse.json({ error: 'invalid_client', error_description: 'client authentication failed' }, { status: 401, headers: headers() })
    }
    return undefined
  }

  const invalidGrant = (description: string) =>
    HttpResponse.json({ error: 'invalid_grant', error_description: description }, { status: 400, headers: headers() })

  /** The server's logic for one request, without msw (a simulated network calls it directly). */
  async function handle(request: Request): Promise<Response> {
    // The request left with the cookie the jar holds now.
    if (!headerCookies) sentCookies.set(request, cookieJar)
    return received(request, await answer(request))
  }

  async function answer(request: Request): Promise<Response> {
    const { pathname } = new URL(request.url)
    if (request.method === 'POST' && pathname === '/auth/refresh') {
      stats.refreshRequests++
      const at = options.now()
      const bodyRefreshToken = new URLSearchParams(await request.clone().text()).get('refresh_token') ?? undefined
      const tab = request.headers.get('x-test-tab') ?? undefined
      stats.refreshLog.push({ at, bodyRefreshToken, ...(tab === undefined ? {} : { tab }) })
      const override = overrides.shift()
      if (override) return override(request, () => refresh(request))
      return refresh(request)
    }
    if (request.method === 'POST' && pathname === '/auth/login') {
      stats.loginRequests++
      const credentials = (await request.json()) as { username?: string; password?: string }
      if (credentials.password !== 'secret') {
        return HttpResponse.json({ error: 'invalid_grant', error_description: 'wrong password' }, { status: 401 })
      }
      return tokenResponse(issue(++families))
    }
    if (request.method === 'POST' && pathname === '/auth/logout') {
      const body = new URLSearchParams(await request.clone().text())
      stats.logouts.push({ body, authorization: request.headers.get('Authorization') })
      const override = logoutOverrides.shift()
      if (override) return override(request, () => logout(body, cookieOf(request)))
      return logout(body, cookieOf(request))
    }
    if (request.method === 'GET' && pathname === '/api/me') return resource(request)
    return HttpResponse.json({ error: 'not_found' }, { status: 404 })
  }

  const handlers: HttpHandler[] = [
    http.post(`${origin}/auth/refresh`, ({ request }) => handle(request)),
    http.post(`${origin}/auth/login`, ({ request }) => handle(request)),
    http.post(`${origin}/auth/logout`, ({ request }) => handle(request)),
    http.get(`${origin}/api/me`, ({ request }) => handle(request)),
  ]

  function resource(request: Request): Response {
    stats.apiRequests++
    const token = /^Bearer (.+)$/.exec(request.headers.get('Authorization') ?? '')?.[1]
    const index = token === undefined ? -1 : stats.issued.indexOf(token)
    const expired = index >= 0 && options.now() >= stats.issueTimes[index]! + lifetime * 1000
    if (index < 0 || expired || rejectedAccessTokens.has(token!)) {
      stats.apiRefusals++
      return HttpResponse.json(
        { error: 'invalid_token' },
        { status: 401, headers: { 'WWW-Authenticate': 'Bearer error="invalid_token"' } },
      )
    }
    return HttpResponse.json({ sub: 'user-1' })
  }

  async function refresh(request: Request): Promise<Response> {
    const body = new URLSearchParams(await request.text())
    if (body.get('grant_type') !== 'refresh_token') {
      return HttpResponse.json({ error: 'unsupported_grant_type' }, { status: 400 })
    }
    const refusedClient = clientRefusal(body)
    if (refusedClient) return refusedClient
    const presented = body.get('refresh_token') ?? cookieOf(request)
    if (!presented) return invalidGrant('no refresh token')
    stats.presented.push(presented)
    const record = tokens.get(presented)
    if (!record || revokedFamilies.has(record.family)) return invalidGrant('unknown or revoked refresh token')
    if (record.used) {
      stats.reuseDetected++
      stats.reused.push(presented)
      revoke(record.family, 'reuse')
      return invalidGrant('refresh token reuse detected')
    }
    record.used = true
    return tokenResponse(issue(record.family))
  }

  async function logout(body: URLSearchParams, cookie: string | undefined): Promise<Response> {
    const refusedClient = clientRefusal(body)
    if (refusedClient) return refusedClient
    const token = body.get('token') ?? cookie
    const record = token ? tokens.get(token) : undefined
    if (record) revoke(record.family, 'logout')
    const response = HttpResponse.json({})
    response.headers.set('Set-Cookie', 'rt=; Path=/auth; Max-Age=0')
    return response
  }

  return {
    origin,
    handlers,
    handle,
    stats,
    /** Starts a new session family (as a login would) and returns its tokens; the cookie jar holds its refresh token. */
    issueSession: () => {
      const pair = issue(++families)
      cookieJar = pair.refreshToken
      return pair
    },
    /** Answers the next refresh request with `override` instead of the normal logic. */
    respondNextRefresh: (override: Override) => {
      overrides.push(override)
    },
    /** Answers the next logout (revocation) request with `override`; the request is still recorded in `stats.logouts`. */
    respondNextLogout: (override: Override) => {
      logoutOverrides.push(override)
    },
    /** Revokes every family (e.g. password changed elsewhere). */
    revokeAll: () => {
      for (const record of tokens.values()) revoke(record.family, 'revokeAll')
    },
    /** The resource server refuses every access token issued so far (e.g. a key rotation): a 401 wave. */
    rejectAccessTokens: () => {
      for (const token of stats.issued) rejectedAccessTokens.add(token)
    },
    /** The family a refresh token belongs to, and whether it was revoked. */
    familyOf: (refreshToken: string) => {
      const record = tokens.get(refreshToken)
      return record && { family: record.family, revoked: revokedFamilies.has(record.family) }
    },
    /** Clears the simulated cookie jar (the browser dropped the cookie). */
    clearCookie: () => {
      cookieJar = undefined
    },
  }
}

/** The server returned by {@link createFakeAuthServer}. */
export type FakeAuthServer = ReturnType<typeof createFakeAuthServer>

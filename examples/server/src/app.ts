import type { Context } from 'hono'
import { Hono } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { deleteCookie, getCookie, setCookie } from 'hono/cookie'
import { secureHeaders } from 'hono/secure-headers'
import { bearerToken, errorResponse, HttpError, readForm, readJsonObject, requireString } from './http'
import type { FailureRateLimiter } from './rateLimit'
import { clientIp, crossSiteRefusal, requestProtocol } from './requestOrigin'
import type { RefreshFailureReason, Sessions, TokenPair } from './sessions'
import { normalizeEmail } from './sessions'
import { indexPage, mountSpa, normalizeMountPath } from './static'
import type { AccessTokenClaims, AccessTokens } from './tokens'

export const REFRESH_COOKIE = 'tokenlife_rt'
export const MAX_BODY_BYTES = 16 * 1024
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

/** The `Content-Security-Policy` of every response: same-origin scripts, styles and requests only; no inline script. */
export const CONTENT_SECURITY_POLICY = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'", 'data:'],
  fontSrc: ["'self'"],
  connectSrc: ["'self'"],
  objectSrc: ["'none'"],
  baseUri: ["'none'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
}

/** Counters the end-to-end tests read. */
export interface ServerStats {
  logins: number
  loginFailures: number
  loginRateLimited: number
  /** Every request to `/auth/refresh`, well-formed or not. */
  refreshRequests: number
  refreshSuccesses: number
  refreshFailures: number
  reuseDetected: number
  versionMismatches: number
  logouts: number
  logoutsEverywhere: number
  passwordChanges: number
  apiRequests: number
  apiUnauthorized: number
  /** The last 1000 refresh requests: server time and outcome. */
  refreshLog: Array<{ at: number; outcome: 'success' | 'bad_request' | RefreshFailureReason; familyId?: string }>
}

export function createStats(): ServerStats {
  return {
    logins: 0,
    loginFailures: 0,
    loginRateLimited: 0,
    refreshRequests: 0,
    refreshSuccesses: 0,
    refreshFailures: 0,
    reuseDetected: 0,
    versionMismatches: 0,
    logouts: 0,
    logoutsEverywhere: 0,
    passwordChanges: 0,
    apiRequests: 0,
    apiUnauthorized: 0,
    refreshLog: [],
  }
}

export interface AppOptions {
  sessions: Sessions
  tokens: AccessTokens
  stats: ServerStats
  now: () => number
  /** Set `Secure` on the refresh cookie (also set for requests that arrived over https, see `trustProxy`). */
  secureCookies: boolean
  /**
   * Believe `X-Forwarded-Proto`, `X-Forwarded-Host` and `X-Forwarded-For` (set this only behind a reverse proxy
   * that overwrites them): they then decide `Secure`, the server's own origin and the client IP for rate limits.
   */
  trustProxy: boolean
  /** Origins besides the server's own whose pages may POST to `/auth/*` (normalized, see `normalizeAllowedOrigins`). */
  allowedOrigins: ReadonlySet<string>
  /** Login failures per email, and per client IP, each in their own window. */
  loginLimiters: { email: FailureRateLimiter; ip: FailureRateLimiter }
  /** Failed current-password checks per user. */
  passwordLimiter: FailureRateLimiter
  /** Mount path → directory of a built SPA. */
  staticDirs: Record<string, string>
  minPasswordLength?: number
}

/** Hono environment of the app: the verified access-token claims on `/api/*`. */
export type AppEnv = { Variables: { claims: AccessTokenClaims } }

export function createApp(options: AppOptions): Hono<AppEnv> {
  const { sessions, tokens, stats, now, loginLimiters, passwordLimiter } = options
  const minPasswordLength = options.minPasswordLength ?? 8
  const app = new Hono<AppEnv>()

  // ---- cross-cutting -------------------------------------------------------------------------------------------
  app.use(async (c, next) => {
    await next()
    // Node adds a Date header too, but from the real clock; this one follows the (possibly simulated) server clock.
    c.header('Date', new Date(now()).toUTCString())
  })
  // Served apps get a CSP that allows no inline script or style and no <base> (a relative URL cannot be redirected).
  app.use(
    secureHeaders({
      strictTransportSecurity: false,
      xFrameOptions: 'DENY',
      // Not `no-referrer`: under it the Fetch standard sends `Origin: null` with a page's own non-CORS POSTs
      // (forms), which the cross-site check refuses. `same-origin` keeps our origin and sends nothing elsewhere.
      referrerPolicy: 'same-origin',
      contentSecurityPolicy: CONTENT_SECURITY_POLICY,
    }),
  )
  const limitBody = bodyLimit({
    maxSize: MAX_BODY_BYTES,
    onError: (c) => errorResponse(c, new HttpError(413, 'invalid_request', `request body exceeds ${MAX_BODY_BYTES} bytes`)),
  })
  app.use(async (c, next) => {
    // A chunked body is read here, whole: a client that aborts or breaks the framing meanwhile gets a 400, not a 500.
    let reading = true
    try {
      return await limitBody(c, () => {
        reading = false
        return next()
      })
    } catch (error) {
      if (reading) throw new HttpError(400, 'invalid_request', 'the request body could not be read')
      throw error
    }
  })
  app.use('/auth/*', async (c, next) => {
    await next()
    c.header('Cache-Control', 'no-store')
    c.header('Pragma', 'no-cache')
  })
  // CSRF: a browser cannot forge `Origin` (or `Sec-Fetch-Site`); a cross-site form or fetch is refused before it can
  // log a user out, or in to another account.
  app.use('/auth/*', async (c, next) => {
    if (!SAFE_METHODS.has(c.req.method)) {
      const refusal = crossSiteRefusal(c, options)
      if (refusal) throw new HttpError(403, 'access_denied', refusal)
    }
    await next()
  })
  app.use('/api/*', async (c, next) => {
    await next()
    c.header('Cache-Control', 'no-store')
  })

  app.onError((error, c) => {
    if (error instanceof HttpError) return errorResponse(c, error)
    console.error('unhandled error', c.req.method, c.req.path, error)
    return errorResponse(c, new HttpError(500, 'server_error', 'internal server error'))
  })
  app.notFound((c) => errorResponse(c, new HttpError(404, 'not_found', `no route for ${c.req.method} ${c.req.path}`)))

  // ---- helpers -------------------------------------------------------------------------------------------------
  const isSecure = (c: Context) => options.secureCookies || requestProtocol(c, options) === 'https:'

  const setRefreshCookie = (c: Context, pair: TokenPair) =>
    setCookie(c, REFRESH_COOKIE, pair.refreshToken, {
      path: '/auth',
      httpOnly: true,
      sameSite: 'Strict',
      secure: isSecure(c),
      maxAge: pair.refreshExpiresIn,
    })

  const clearRefreshCookie = (c: Context) =>
    deleteCookie(c, REFRESH_COOKIE, { path: '/auth', httpOnly: true, sameSite: 'Strict', secure: isSecure(c) })

  /**
   * The login-style success body; `refresh_token` only for storage-mode clients. `refresh_expires_in`: how long the
   * refresh token works (sliding, never past the session's absolute end), so a client can warn before it ends.
   */
  const tokenResponse = (c: Context, pair: TokenPair, includeRefreshToken: boolean) => {
    setRefreshCookie(c, pair)
    return c.json({
      access_token: pair.accessToken,
      token_type: 'Bearer',
      expires_in: pair.expiresIn,
      refresh_expires_in: pair.refreshExpiresIn,
      ...(includeRefreshToken ? { refresh_token: pair.refreshToken } : {}),
    })
  }

  const wantsStorageMode = (c: Context, body: Record<string, unknown>) =>
    c.req.header('x-refresh-token-mode')?.toLowerCase() === 'storage' || body.refresh_token_mode === 'storage'

  /** Verifies an access token (signature, claims, expiry, denylist); `undefined` when absent or bad. */
  const verifiedAccessToken = async (token: string | undefined): Promise<AccessTokenClaims | undefined> => {
    if (!token) return undefined
    const result = await tokens.verify(token)
    if (!result.ok || (await sessions.isAccessTokenDenied(result.claims))) return undefined
    return result.claims
  }

  /** Whether a verified access token is at its user's current token version (not from before a logout everywhere). */
  const isCurrentVersion = async (claims: AccessTokenClaims) =>
    (await sessions.currentTokenVersion(claims.sub)) === claims.ver

  const requireBearer = async (c: Context): Promise<AccessTokenClaims> => {
    const token = bearerToken(c)
    const unauthorized = (description: string) =>
      new HttpError(401, 'invalid_token', description, {
        'WWW-Authenticate': `Bearer error="invalid_token", error_description="${description}"`,
      })
    if (!token) throw unauthorized('missing bearer token')
    const result = await tokens.verify(token)
    if (!result.ok) throw unauthorized(result.description)
    if (await sessions.isAccessTokenDenied(result.claims)) throw unauthorized('access token has been revoked')
    return result.claims
  }

  const rateLimited = (retryAfter: number) =>
    new HttpError(429, 'too_many_requests', 'too many failed attempts, try again later', {
      'Retry-After': String(retryAfter),
    })

  const methodNotAllowed = (allow: string) => (c: Context) =>
    errorResponse(c, new HttpError(405, 'invalid_request', `use ${allow}`, { Allow: allow }))

  // ---- pages ---------------------------------------------------------------------------------------------------
  const mounts = Object.keys(options.staticDirs).map(normalizeMountPath)
  app.get('/', (c) => c.html(indexPage(mounts)))
  for (const [mountPath, dir] of Object.entries(options.staticDirs)) mountSpa(app, mountPath, dir)

  // ---- auth ----------------------------------------------------------------------------------------------------
  app.post('/auth/login', async (c) => {
    const body = await readJsonObject(c)
    const email = normalizeEmail(requireString(body, 'email', 254))
    const password = requireString(body, 'password')
    const emailKey = `email:${email}`
    const ipKey = `ip:${clientIp(c, options)}`
    const retryAfter = Math.max(loginLimiters.email.retryAfterSeconds(emailKey), loginLimiters.ip.retryAfterSeconds(ipKey))
    if (retryAfter > 0) {
      stats.loginRateLimited += 1
      throw rateLimited(retryAfter)
    }
    // Charged as failures before the (slow, async) hash, in the same tick as the check above: concurrent attempts see
    // each other's charges, so no more than the limit are ever in flight. A success takes its charge back.
    const refundEmail = loginLimiters.email.charge(emailKey)
    const refundIp = loginLimiters.ip.charge(ipKey)
    const user = await sessions.authenticate(email, password)
    if (!user) {
      stats.loginFailures += 1
      throw new HttpError(401, 'invalid_grant', 'invalid email or password')
    }
    refundEmail()
    refundIp()
    loginLimiters.email.reset(emailKey)
    stats.logins += 1
    return tokenResponse(c, await sessions.issue(user), wantsStorageMode(c, body))
  })
  app.all('/auth/login', methodNotAllowed('POST'))

  app.post('/auth/refresh', async (c) => {
    stats.refreshRequests += 1
    const log = (outcome: ServerStats['refreshLog'][number]['outcome'], familyId?: string) => {
      stats.refreshLog.push({ at: now(), outcome, ...(familyId ? { familyId } : {}) })
      if (stats.refreshLog.length > 1000) stats.refreshLog.shift()
    }
    let form: Map<string, string>
    let refreshToken: string | undefined
    let fromBody: boolean
    try {
      form = await readForm(c)
      const grantType = form.get('grant_type')
      if (!grantType) throw new HttpError(400, 'invalid_request', 'grant_type is required')
      if (grantType !== 'refresh_token') {
        throw new HttpError(400, 'unsupported_grant_type', `grant_type ${grantType} is not supported`)
      }
      fromBody = form.has('refresh_token')
      refreshToken = fromBody ? form.get('refresh_token') : getCookie(c, REFRESH_COOKIE)
      if (!refreshToken) throw new HttpError(400, 'invalid_request', 'no refresh token in the request or cookie')
    } catch (error) {
      stats.refreshFailures += 1
      log('bad_request')
      throw error
    }

    const result = await sessions.refresh(refreshToken)
    if (!result.ok) {
      stats.refreshFailures += 1
      if (result.reason === 'reuse') stats.reuseDetected += 1
      if (result.reason === 'version_changed') stats.versionMismatches += 1
      log(result.reason, result.familyId)
      // Only drop the cookie when it was the token that failed.
      if (!fromBody) clearRefreshCookie(c)
      throw new HttpError(400, 'invalid_grant', result.description)
    }
    stats.refreshSuccesses += 1
    log('success', result.pair.familyId)
    return tokenResponse(c, result.pair, fromBody)
  })
  app.all('/auth/refresh', methodNotAllowed('POST'))

  /**
   * Logout (RFC 7009-style: `200 {}` whatever the token). It ends the session of the presented refresh token (form
   * `token`, else the cookie) and denylists the presented access tokens. A refresh token that was already rotated is a
   * replay, treated as reuse: its whole family is revoked, as `/auth/refresh` would.
   *
   * `everywhere` ends every session of the user, and needs a **current** credential: a refresh token that would
   * refresh now, or a valid access token at the user's current token version. Without one, only the single-session
   * part is done and the answer is `400 invalid_grant`.
   */
  const logout = async (c: Context, form: Map<string, string>, everywhere: boolean) => {
    const provenUsers = new Set<string>()
    const presented = form.get('token') ?? getCookie(c, REFRESH_COOKIE)
    if (presented) {
      if (presented.split('.').length === 3) {
        // An access token passed as `token` (token_type_hint=access_token): deny it.
        const claims = await verifiedAccessToken(presented)
        if (claims) {
          await sessions.denyAccessToken(claims)
          if (await isCurrentVersion(claims)) provenUsers.add(claims.sub)
        }
      } else {
        const token = await sessions.inspectRefreshToken(presented)
        if (token.status === 'current') {
          await sessions.revokeFamily(token.familyId, everywhere ? 'logout everywhere' : 'logout')
          provenUsers.add(token.userId)
        } else if (token.status === 'rotated') {
          await sessions.revokeFamily(token.familyId, 'refresh token reuse (logout with a rotated token)')
        }
      }
    }
    const bearer = await verifiedAccessToken(bearerToken(c))
    if (bearer) {
      await sessions.denyAccessToken(bearer)
      if (await isCurrentVersion(bearer)) provenUsers.add(bearer.sub)
    }
    clearRefreshCookie(c)
    if (everywhere && provenUsers.size === 0) {
      stats.logouts += 1
      throw new HttpError(
        400,
        'invalid_grant',
        'logging out everywhere needs a current refresh token or a valid access token; only this session was ended',
      )
    }
    if (everywhere) {
      for (const userId of provenUsers) await sessions.endAllSessions(userId, 'logout everywhere')
      stats.logoutsEverywhere += 1
    } else {
      stats.logouts += 1
    }
    return c.json({})
  }

  app.post('/auth/logout', async (c) => {
    const form = await readForm(c)
    return logout(c, form, form.get('everywhere') === 'true')
  })
  app.all('/auth/logout', methodNotAllowed('POST'))

  app.post('/auth/logout-everywhere', async (c) => {
    const form = await readForm(c)
    await requireBearer(c)
    return logout(c, form, true)
  })
  app.all('/auth/logout-everywhere', methodNotAllowed('POST'))

  app.post('/auth/change-password', async (c) => {
    const claims = await requireBearer(c)
    const body = await readJsonObject(c)
    const currentPassword = requireString(body, 'currentPassword')
    const newPassword = requireString(body, 'newPassword')
    if (newPassword.length < minPasswordLength) {
      throw new HttpError(400, 'invalid_request', `newPassword must have at least ${minPasswordLength} characters`)
    }
    const key = `user:${claims.sub}`
    const retryAfter = passwordLimiter.retryAfterSeconds(key)
    if (retryAfter > 0) throw rateLimited(retryAfter)
    const refund = passwordLimiter.charge(key) // before the hash, as at login
    const pair = await sessions.changePassword(claims.sub, currentPassword, newPassword)
    if (!pair) throw new HttpError(400, 'invalid_grant', 'current password is incorrect')
    refund()
    passwordLimiter.reset(key)
    stats.passwordChanges += 1
    return tokenResponse(c, pair, wantsStorageMode(c, body))
  })
  app.all('/auth/change-password', methodNotAllowed('POST'))

  // ---- protected API -------------------------------------------------------------------------------------------
  app.use('/api/*', async (c, next) => {
    stats.apiRequests += 1
    try {
      c.set('claims', await requireBearer(c))
    } catch (error) {
      stats.apiUnauthorized += 1
      throw error
    }
    await next()
  })

  app.get('/api/me', (c) => {
    const { sub, email, name, exp, ver } = c.get('claims')
    return c.json({ id: sub, email, name, tokenVersion: ver, accessTokenExpiresAt: new Date(exp * 1000).toISOString() })
  })

  let dataCounter = 0
  app.get('/api/data', (c) => {
    dataCounter += 1
    const serverTime = now()
    return c.json({
      user: c.get('claims').sub,
      serverTime: new Date(serverTime).toISOString(),
      serverTimeMs: serverTime,
      counter: dataCounter,
      items: ['alpha', 'beta', 'gamma'],
    })
  })

  return app
}

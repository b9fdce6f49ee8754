import { getConnInfo } from '@hono/node-server/conninfo'
import type { AccessTokenClaims, AuthHandler, ServerStats, Verifier } from '@tokenlife/server'
import { errorResponse, HttpError } from '@tokenlife/server'
import type { Context } from 'hono'
import { Hono } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { secureHeaders } from 'hono/secure-headers'
import { indexPage, mountSpa, normalizeMountPath } from './static'

export const REFRESH_COOKIE = 'tokenlife_rt'
export const MAX_BODY_BYTES = 16 * 1024

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

/** The package's counters (see `createStats`) plus the demo API's. */
export interface AppStats extends ServerStats {
  apiRequests: number
  apiUnauthorized: number
}

export interface AppOptions {
  /** `@tokenlife/server`'s endpoints (`/auth/*`, the JWKS). */
  auth: AuthHandler
  /** Checks the bearer token of every `/api/*` request. */
  verifier: Verifier
  stats: AppStats
  now: () => number
  /** Mount path → directory of a built SPA. */
  staticDirs: Record<string, string>
}

/** Hono environment of the app: the verified access-token claims on `/api/*`. */
export type AppEnv = { Variables: { claims: AccessTokenClaims } }

/** The socket's address, for the per-IP login limit (none when the request did not come through Node's server). */
function peerAddress(c: Context): string | undefined {
  try {
    return getConnInfo(c).remote.address
  } catch {
    return undefined
  }
}

/**
 * The reference server as a Hono app: `@tokenlife/server` answers `/auth/*` and the JWKS; this app adds the demo
 * API (`/api/me`, `/api/data`) behind the package's verifier, the built SPAs, security headers and a `Date` header
 * that follows the (possibly simulated) server clock.
 */
export function createApp(options: AppOptions): Hono<AppEnv> {
  const { auth, verifier, stats, now } = options
  const app = new Hono<AppEnv>()

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
    onError: () => errorResponse(new HttpError(413, 'invalid_request', `request body exceeds ${MAX_BODY_BYTES} bytes`)),
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
  // The package's endpoints: whatever it answers is the answer.
  app.use(async (c, next) => {
    const answer = await auth(c.req.raw, { clientIp: peerAddress(c) })
    if (!answer) return next()
    return answer
  })
  app.use('/api/*', async (c, next) => {
    await next()
    c.header('Cache-Control', 'no-store')
  })
  app.onError((error) => {
    if (error instanceof HttpError) return errorResponse(error)
    console.error('unhandled error', error)
    return errorResponse(new HttpError(500, 'server_error', 'internal server error'))
  })
  app.notFound((c) => errorResponse(new HttpError(404, 'not_found', `no route for ${c.req.method} ${c.req.path}`)))

  const mounts = Object.keys(options.staticDirs).map(normalizeMountPath)
  app.get('/', (c) => c.html(indexPage(mounts)))
  for (const [mountPath, dir] of Object.entries(options.staticDirs)) mountSpa(app, mountPath, dir)

  // ---- the demo API, behind the verifier -------------------------------------------------------------------------
  app.use('/api/*', async (c, next) => {
    stats.apiRequests += 1
    // A bearer token, or a DPoP-bound one with its proof (RFC 9449 §7): the verifier says which headers answer.
    const result = await verifier.verifyRequest(c.req.raw)
    if (!result.ok) {
      stats.apiUnauthorized += 1
      if (result.status === 503) throw new HttpError(503, 'temporarily_unavailable', result.description, { 'Retry-After': '1' })
      throw new HttpError(401, 'invalid_token', result.description, result.headers)
    }
    c.set('claims', result.claims)
    await next()
    for (const [name, value] of Object.entries(result.headers ?? {})) c.header(name, value)
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

import { diagnosticText } from '../diagnostics/diagnostic'
import type { Issuer } from '../issuer'
import type { TokenPair } from '../refreshResult'
import { FailureRateLimiter } from '../rateLimit'
import type { AuthEvent } from '../stats'
import { normalizeEmail } from '../users'
import type { Verifier } from '../verifier'
import { readForm, readJsonObject, requireString } from './body'
import { readCookie, serializeCookie } from './cookies'
import { errorResponse, HttpError, jsonResponse } from './httpError'
import { logout } from './logout'
import { clientIp, crossSiteRefusal, normalizeAllowedOrigins, requestProtocol } from './requestOrigin'
import { tokenEndpointProofs, type HandlerDpopOptions } from './tokenEndpointProofs'

/**
 * `'Tokenlife-Retry-Window'`: the header by which the refresh endpoint says it has an idempotent retry window
 * (delta-seconds, e.g. `Tokenlife-Retry-Window: 30`), on every token response when the issuer's
 * `retryWindowSeconds` is set. Part of the contract: tokenlife's SDK reads it, and then lets a page reloaded
 * mid-refresh send at once. If the endpoint is on another origin, expose it to the page:
 * `Access-Control-Expose-Headers: Tokenlife-Retry-Window`.
 */
export const RETRY_WINDOW_HEADER = 'Tokenlife-Retry-Window'

/** Options of {@link createAuthHandler}. Only `issuer` and `verifier` are required. */
export interface AuthHandlerOptions {
  /** The session rules behind login, refresh, logout and password change; its keys are served at `jwksPath`. */
  issuer: Issuer
  /** Checks bearer tokens presented to logout, logout everywhere and change password. */
  verifier: Verifier
  /**
   * Where the endpoints live: `<basePath>/login`, `/refresh`, `/logout`, `/logout-everywhere`, `/change-password`.
   * Also the refresh cookie's `Path`, so the cookie goes only to them. Default: `'/auth'`.
   */
  basePath?: string
  /** Where the public keys are served (`GET`, `Cache-Control: public, max-age=300`), or `false`. Default: `'/.well-known/jwks.json'`. */
  jwksPath?: string | false
  /** The refresh cookie's name (`HttpOnly; SameSite=Strict`). Default: `'tokenlife_rt'`. */
  cookieName?: string
  /**
   * Mark the refresh cookie `Secure` on every response. Without it the cookie is `Secure` on requests that came over
   * https (as the handler sees them: see `trustProxy`). Default: false.
   */
  secureCookies?: boolean
  /**
   * Behind a reverse proxy that overwrites `X-Forwarded-Proto`, `-Host` and `-For`: believe them (for the https
   * check, the CSRF origin check and the per-IP limit). Never set it without such a proxy: anyone can send them.
   * Default: false.
   */
  trustProxy?: boolean
  /**
   * Origins besides the server's own whose pages may POST here (the CSRF check), as browsers send `Origin`:
   * `['https://app.example.com']`. Anything but a bare `http(s)` origin is a `TypeError` (`TL606`, `TL607`). Default: none.
   */
  allowedOrigins?: string[]
  /**
   * Login failures allowed per window, counted in this process (with N instances an attacker gets N times as many:
   * put a shared limit in front). Past the limit the answer is `429` with `Retry-After`. Whole numbers (`TL604`),
   * a positive window (`TL605`).
   */
  loginRateLimit?: {
    /** Failures per normalized email. Default: 5. */
    perEmail?: number
    /** Failures per client IP (see `trustProxy`). Default: 20. */
    perIp?: number
    /** The sliding window, seconds. Default: 60. */
    windowSeconds?: number
  }
  /** Failed current-password checks allowed per user per 60 s on change password, per process. Default: 5. */
  passwordRateLimit?: number
  /** The least length of `newPassword` on change password (shorter is `400 invalid_request`), characters. Default: 8. */
  minPasswordLength?: number
  /** The largest request body read, bytes; a larger one is `413`. Default: 16384 (16 KiB). */
  maxBodyBytes?: number
  /**
   * Called for every login, refresh, logout and password change, after it happened: for metrics and logs
   * (`createStats()` makes one that counts). It carries no token. Default: none.
   */
  onEvent?: (event: AuthEvent) => void
  /**
   * Called for an unexpected error (a store that fails, a `claims` function that throws), with the request; the client
   * gets `503 temporarily_unavailable` with `Retry-After: 1`. Default: `console.error` of a `TL631` message and the error.
   */
  onError?: (error: unknown, request: Request) => void
  /**
   * DPoP (RFC 9449): a login or refresh with a `DPoP` proof gets tokens bound to its key (`token_type: DPoP`, the
   * access token's `cnf.jkt`; the session's refresh tokens refresh only with a proof by that key). See
   * {@link HandlerDpopOptions}: require proofs, issue nonces. Without the option a proof is still honoured.
   */
  dpop?: HandlerDpopOptions
}

/** What the host framework knows that a `Request` does not carry: the second argument of an {@link AuthHandler}. */
export interface RequestContext {
  /** The socket's remote address (for the per-IP login limit when there is no trusted proxy). */
  clientIp?: string
}

/**
 * The endpoints of the contract on Web `Request`/`Response`: answers requests under `basePath` (and the JWKS
 * path), and `undefined` for any other, so it mounts in any framework.
 */
export interface AuthHandler {
  /**
   * Answers `request` if it is for one of the endpoints (never rejects: refusals are JSON `{ error,
   * error_description }` answers, a failing store a 503), else resolves to `undefined` for your own routes.
   */
  (request: Request, context?: RequestContext): Promise<Response | undefined>
  /** Forgets rate-limit entries that left their window; call it now and then (e.g. every minute) to bound memory. */
  prune(): void
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

/**
 * Builds the {@link AuthHandler}: the contract's endpoints (docs/server.md, "The contract") on an issuer and a
 * verifier. Throws a `TypeError` for bad options (`TL604`–`TL607`).
 *
 * @example
 * ```ts
 * const auth = createAuthHandler({ issuer, verifier, allowedOrigins: ['https://app.example.com'] })
 *
 * // Bun, Deno, or any server on Web Request/Response:
 * Bun.serve({ fetch: async (request) => (await auth(request)) ?? new Response('not found', { status: 404 }) })
 * // Hono on Node (getConnInfo from '@hono/node-server/conninfo'):
 * app.use(async (c, next) => (await auth(c.req.raw, { clientIp: getConnInfo(c).remote.address })) ?? next())
 * // Next.js (app/auth/[...path]/route.ts): export const POST = async (request: Request) => (await auth(request))!
 * ```
 */
export function createAuthHandler(options: AuthHandlerOptions): AuthHandler {
  const { issuer, verifier } = options
  const base = (options.basePath ?? '/auth').replace(/\/+$/, '')
  const jwksPath = options.jwksPath ?? '/.well-known/jwks.json'
  const cookieName = options.cookieName ?? 'tokenlife_rt'
  const proxy = { trustProxy: options.trustProxy ?? false, allowedOrigins: normalizeAllowedOrigins(options.allowedOrigins ?? []) }
  const maxBody = options.maxBodyBytes ?? 16 * 1024
  const minPasswordLength = options.minPasswordLength ?? 8
  const emit = options.onEvent ?? (() => {})
  const proofs = tokenEndpointProofs(options.dpop, issuer.store, issuer.now, proxy)
  const onError = options.onError ?? ((error: unknown, request: Request) => console.error(diagnosticText('TL631', undefined, request.method, request.url), error))
  const windowMs = (options.loginRateLimit?.windowSeconds ?? 60) * 1000
  const now = issuer.now
  const limiters = {
    email: new FailureRateLimiter({ limit: options.loginRateLimit?.perEmail ?? 5, windowMs, now }),
    ip: new FailureRateLimiter({ limit: options.loginRateLimit?.perIp ?? 20, windowMs, now }),
    password: new FailureRateLimiter({ limit: options.passwordRateLimit ?? 5, windowMs: 60_000, now }),
  }

  const isSecure = (request: Request) => options.secureCookies === true || requestProtocol(request, proxy) === 'https:'
  const cookie = (request: Request, value: string, maxAge: number) =>
    serializeCookie(cookieName, value, { path: base || '/', secure: isSecure(request), maxAge })
  const clearCookie = (request: Request) => cookie(request, '', 0)

  /**
   * The login-style success body; `refresh_token` only for storage-mode clients; the retry window when there is one.
   * `refresh_expires_in`: how long the refresh token works (sliding, never past the session's cap), so a client can
   * warn before the session ends.
   */
  const tokenResponse = (request: Request, pair: TokenPair, includeRefreshToken: boolean) => {
    const headers = new Headers({ 'Set-Cookie': cookie(request, pair.refreshToken, pair.refreshExpiresIn), ...proofs.nonceHeader() })
    if (issuer.retryWindowSeconds > 0) headers.set(RETRY_WINDOW_HEADER, String(Math.floor(issuer.retryWindowSeconds)))
    const tokenType = pair.jkt === undefined ? 'Bearer' : 'DPoP'
    const body = { access_token: pair.accessToken, token_type: tokenType, expires_in: pair.expiresIn, refresh_expires_in: pair.refreshExpiresIn }
    return jsonResponse(includeRefreshToken ? { ...body, refresh_token: pair.refreshToken } : body, 200, headers)
  }
  const wantsStorageMode = (request: Request, body: Record<string, unknown>) =>
    request.headers.get('x-refresh-token-mode')?.toLowerCase() === 'storage' || body.refresh_token_mode === 'storage'
  const rateLimited = (retryAfter: number) =>
    new HttpError(429, 'too_many_requests', 'too many failed attempts, try again later', { 'Retry-After': String(retryAfter) })
  /** The request's access token, checked (`Authorization: Bearer`, or `DPoP` with its proof): its claims and key. */
  const requireToken = async (request: Request) => {
    const result = await verifier.verifyRequest(request)
    if (result.ok) return result
    if (result.status === 503) throw new HttpError(503, 'temporarily_unavailable', result.description, { 'Retry-After': '1' })
    throw new HttpError(401, 'invalid_token', result.description, result.headers)
  }

  const login = async (request: Request, context: RequestContext) => {
    const body = await readJsonObject(request, maxBody)
    // Before the password: a proof without the nonce is answered at once, and costs no attempt.
    const jkt = await proofs.keyOf(request)
    const email = normalizeEmail(requireString(body, 'email', 254))
    const password = requireString(body, 'password')
    const emailKey = `email:${email}`
    const ipKey = `ip:${clientIp(request, proxy, context.clientIp)}`
    const retryAfter = Math.max(limiters.email.retryAfterSeconds(emailKey), limiters.ip.retryAfterSeconds(ipKey))
    if (retryAfter > 0) {
      emit({ type: 'login', outcome: 'rate_limited' })
      throw rateLimited(retryAfter)
    }
    // Charged as failures before the (slow, async) hash, in the same tick as the check above: concurrent attempts see
    // each other's charges, so no more than the limit are ever in flight. A success takes its charge back.
    const refunds = [limiters.email.charge(emailKey), limiters.ip.charge(ipKey)]
    const user = await issuer.authenticate(email, password)
    if (!user) {
      emit({ type: 'login', outcome: 'failure' })
      throw new HttpError(401, 'invalid_grant', 'invalid email or password')
    }
    for (const refund of refunds) refund()
    limiters.email.reset(emailKey)
    const pair = await issuer.startSession(user, { jkt })
    emit({ type: 'login', outcome: 'success' })
    return tokenResponse(request, pair, wantsStorageMode(request, body))
  }

  const refresh = async (request: Request) => {
    let refreshToken: string | undefined
    let fromBody = false
    try {
      const form = await readForm(request, maxBody)
      const grantType = form.get('grant_type')
      if (!grantType) throw new HttpError(400, 'invalid_request', 'grant_type is required')
      if (grantType !== 'refresh_token') throw new HttpError(400, 'unsupported_grant_type', `grant_type ${grantType} is not supported`)
      fromBody = form.has('refresh_token')
      refreshToken = fromBody ? form.get('refresh_token') : readCookie(request, cookieName)
      if (!refreshToken) throw new HttpError(400, 'invalid_request', 'no refresh token in the request or cookie')
    } catch (error) {
      emit({ type: 'refresh', outcome: 'bad_request' })
      throw error
    }
    const jkt = await proofs.keyOf(request)
    const result = await issuer.refresh(refreshToken, { jkt })
    if (!result.ok) {
      emit({ type: 'refresh', outcome: result.reason, ...(result.familyId ? { familyId: result.familyId } : {}) })
      // Only drop the cookie when it was the token that failed (not a proof by another key: the token still works).
      const keep = fromBody || result.reason === 'key_mismatch'
      throw new HttpError(400, 'invalid_grant', result.description, keep ? {} : { 'Set-Cookie': clearCookie(request) })
    }
    emit({ type: 'refresh', outcome: result.retried ? 'retried' : 'success', familyId: result.pair.familyId })
    return tokenResponse(request, result.pair, fromBody)
  }

  const changePassword = async (request: Request) => {
    // The new session is bound to the key of the proof that came with a DPoP-bound token.
    const { claims, jkt } = await requireToken(request)
    const body = await readJsonObject(request, maxBody)
    const currentPassword = requireString(body, 'currentPassword')
    const newPassword = requireString(body, 'newPassword')
    if (newPassword.length < minPasswordLength) {
      throw new HttpError(400, 'invalid_request', `newPassword must have at least ${minPasswordLength} characters`)
    }
    const key = `user:${claims.sub}`
    const retryAfter = limiters.password.retryAfterSeconds(key)
    if (retryAfter > 0) throw rateLimited(retryAfter)
    const refund = limiters.password.charge(key) // before the hash, as at login
    const pair = await issuer.changePassword(claims.sub, currentPassword, newPassword, { jkt })
    if (!pair) throw new HttpError(400, 'invalid_grant', 'current password is incorrect')
    refund()
    limiters.password.reset(key)
    emit({ type: 'password_change' })
    return tokenResponse(request, pair, wantsStorageMode(request, body))
  }

  const logoutContext = { issuer, verifier, cookieName, emit, clearCookie, keyOf: (request: Request) => proofs.keyOf(request) }
  const routes: Record<string, (request: Request, context: RequestContext) => Promise<Response>> = {
    [`${base}/login`]: login,
    [`${base}/refresh`]: refresh,
    [`${base}/logout`]: async (request) => {
      const form = await readForm(request, maxBody)
      return logout(logoutContext, request, form, form.get('everywhere') === 'true')
    },
    [`${base}/logout-everywhere`]: async (request) => {
      const form = await readForm(request, maxBody)
      const proven = await requireToken(request)
      return logout(logoutContext, request, form, true, proven)
    },
    [`${base}/change-password`]: changePassword,
  }

  const handler = async (request: Request, context: RequestContext = {}): Promise<Response | undefined> => {
    const { pathname } = new URL(request.url)
    if (jwksPath !== false && pathname === jwksPath) {
      if (request.method !== 'GET' && request.method !== 'HEAD') return errorResponse(new HttpError(405, 'invalid_request', 'use GET', { Allow: 'GET' }))
      const response = jsonResponse(issuer.keys.jwks())
      response.headers.set('Cache-Control', 'public, max-age=300')
      return response
    }
    if (pathname !== base && !pathname.startsWith(`${base}/`)) return undefined
    try {
      // CSRF: a browser cannot forge `Origin` (or `Sec-Fetch-Site`); a cross-site form or fetch is refused first.
      const refusal = SAFE_METHODS.has(request.method) ? undefined : crossSiteRefusal(request, proxy)
      if (refusal) throw new HttpError(403, 'access_denied', refusal)
      const route = routes[pathname]
      if (!route) throw new HttpError(404, 'not_found', `no route for ${request.method} ${pathname}`)
      if (request.method !== 'POST') throw new HttpError(405, 'invalid_request', 'use POST', { Allow: 'POST' })
      return await route(request, context)
    } catch (error) {
      if (error instanceof HttpError) return errorResponse(error)
      onError(error, request)
      return errorResponse(new HttpError(503, 'temporarily_unavailable', 'the server cannot answer now; try again', { 'Retry-After': '1' }))
    }
  }
  return Object.assign(handler, {
    prune: () => {
      for (const limiter of Object.values(limiters)) limiter.prune()
    },
  })
}

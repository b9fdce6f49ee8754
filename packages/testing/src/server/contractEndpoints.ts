import { mintJwt } from '../jwt/mintJwt'
import type { AccessTokenLedger } from './accessTokens'
import { bearerOf, formOf, json, jsonOf, oauthError } from './answers'
import type { CookieJar } from './cookieJar'
import type { UserDirectory, KnownUser } from './mockUsers'
import type { MockSession, RefusalReason, SessionBook } from './sessionBook'
import type { ContractEndpoint, NormalizedServerOptions } from './serverOptions'

/** Everything the endpoints of the contract share. */
export interface ContractContext {
  options: NormalizedServerOptions
  book: SessionBook
  users: UserDirectory
  jar: CookieJar
  tokens: AccessTokenLedger
  /** The access-token lifetime now, seconds (a test may change it). */
  ttl(): number
  /** Notes what happened to the request, for the server's log. */
  note(outcome: string): void
}

const refusals: Record<RefusalReason, string> = {
  unknown: 'unknown refresh token',
  expired: 'refresh token expired',
  revoked: 'refresh token revoked',
  reuse: 'refresh token reuse detected',
  version_changed: 'token version changed',
}

/** A refresh request's mode: the token came in the body (storage mode) or in the cookie. */
const storageMode = (request: Request, body?: Record<string, unknown>) =>
  request.headers.get('X-Refresh-Token-Mode')?.toLowerCase() === 'storage' || body?.refresh_token_mode === 'storage'

/** The login-shaped answer: a new access token, the refresh token (body in storage mode, cookie otherwise). */
function tokenAnswer(context: ContractContext, session: MockSession, refreshToken: string, mode: 'cookie' | 'storage'): Response {
  const { options, users, tokens, jar } = context
  const user = users.byId(session.userId)!
  const claims = users.claimsOf(user)
  const ttl = context.ttl()
  const iat = Math.floor(options.now() / 1000)
  const body = {
    access_token: tokens.issue(session, ttl, claims),
    token_type: 'Bearer',
    expires_in: ttl,
    ...(mode === 'storage' ? { refresh_token: refreshToken } : {}),
    ...(options.idTokens ? { id_token: mintJwt({ iss: options.issuer, aud: options.clientId ?? 'tokenlife-test', iat, exp: iat + ttl, ...claims }) } : {}),
  }
  const headers: Record<string, string> = options.retryWindowMs > 0 ? { 'Tokenlife-Retry-Window': String(options.retryWindowMs / 1000) } : {}
  const response = json(body, 200, options.now(), headers)
  return mode === 'cookie' ? jar.set(response, refreshToken, options.refreshTokenTtlMs / 1000) : response
}

/** A refusal of the client (not of the grant), or `undefined` when no `clientId` is configured or it matches. */
function clientRefusal(context: ContractContext, form: URLSearchParams): Response | undefined {
  const { clientId, now } = context.options
  if (clientId === undefined) return undefined
  const sent = form.get('client_id')
  if (sent === null) return oauthError(400, 'invalid_request', 'no client authentication mechanism provided', now())
  if (sent !== clientId) return oauthError(401, 'invalid_client', 'client authentication failed', now())
  return undefined
}

async function login(context: ContractContext, request: Request): Promise<Response> {
  const { users, book, options } = context
  const body = await jsonOf(request)
  if (!body) return oauthError(400, 'invalid_request', 'the body must be JSON { email, password }', options.now())
  const email = typeof body.email === 'string' ? body.email : typeof body.username === 'string' ? body.username : undefined
  const user = email === undefined ? undefined : users.byEmail(email)
  if (!user || user.password !== body.password) {
    context.note('refused')
    return oauthError(401, 'invalid_grant', 'invalid email or password', options.now())
  }
  const { session, refreshToken } = book.start(user.id)
  context.note('signed-in')
  return tokenAnswer(context, session, refreshToken, storageMode(request, body) ? 'storage' : 'cookie')
}

async function refresh(context: ContractContext, request: Request): Promise<Response> {
  const { options, book, jar } = context
  const form = await formOf(request)
  if (form.get('grant_type') !== 'refresh_token') return oauthError(400, 'unsupported_grant_type', 'grant_type must be refresh_token', options.now())
  const refusedClient = clientRefusal(context, form)
  if (refusedClient) return refusedClient
  const inBody = form.get('refresh_token')
  const presented = inBody ?? jar.sent(request)
  const mode = inBody === null ? 'cookie' : 'storage'
  if (!presented) {
    context.note('no-refresh-token')
    return oauthError(400, 'invalid_request', 'no refresh token', options.now())
  }
  const rotation = book.rotate(presented)
  if (!rotation.ok) {
    context.note(rotation.reason)
    const refusal = oauthError(400, 'invalid_grant', refusals[rotation.reason], options.now())
    return mode === 'cookie' ? jar.set(refusal, undefined, 0) : refusal
  }
  context.note(rotation.retried ? 'retried' : 'rotated')
  return tokenAnswer(context, rotation.session, rotation.refreshToken, mode)
}

async function logout(context: ContractContext, request: Request): Promise<Response> {
  const { options, book, jar, tokens } = context
  const form = await formOf(request)
  const refusedClient = clientRefusal(context, form)
  if (refusedClient) return refusedClient
  const token = form.get('token') ?? jar.sent(request)
  const bearer = bearerOf(request)
  const session = (token && (book.sessionOf(token) ?? tokens.sessionOf(token))) || (bearer && tokens.sessionOf(bearer)) || undefined
  for (const presented of [token, bearer]) if (presented) tokens.deny(presented)
  // Everywhere, as the reference server does it: the user's token version moves on, so every refresh token is refused
  // at its next use (`token version changed`) and every access token by `verify()`.
  if (form.get('everywhere') === 'true') {
    if (!book.alive(session)) {
      context.note('refused')
      return oauthError(400, 'invalid_grant', 'logging out everywhere needs a current credential', options.now())
    }
    context.book.bumpVersion(session.userId)
    context.note('logged-out-everywhere')
  } else if (session) {
    book.revoke(session.id, 'logout')
    context.note('logged-out')
  } else context.note('nothing-to-revoke')
  return jar.set(json({}, 200, options.now()), undefined, 0)
}

/** The user behind a valid bearer token, or the 401 to answer. */
function bearerUser(context: ContractContext, request: Request): { user: KnownUser } | { response: Response } {
  const check = context.tokens.check(bearerOf(request))
  if (!check.ok) return { response: check.response }
  return { user: context.users.byId(String(check.claims.sub))! }
}

async function logoutEverywhere(context: ContractContext, request: Request): Promise<Response> {
  const found = bearerUser(context, request)
  if ('response' in found) return found.response
  context.book.bumpVersion(found.user.id)
  context.note('logged-out-everywhere')
  return context.jar.set(json({}, 200, context.options.now()), undefined, 0)
}

async function changePassword(context: ContractContext, request: Request): Promise<Response> {
  const { options, book } = context
  const found = bearerUser(context, request)
  if ('response' in found) return found.response
  const body = await jsonOf(request)
  if (typeof body?.currentPassword !== 'string' || typeof body.newPassword !== 'string') {
    return oauthError(400, 'invalid_request', 'the body must be JSON { currentPassword, newPassword }', options.now())
  }
  if (body.currentPassword !== found.user.password) return oauthError(400, 'invalid_grant', 'wrong current password', options.now())
  if (body.newPassword.length < 8) return oauthError(400, 'invalid_request', 'the new password must have at least 8 characters', options.now())
  found.user.password = body.newPassword
  context.book.bumpVersion(found.user.id)
  const { session, refreshToken } = book.start(found.user.id)
  context.note('password-changed')
  return tokenAnswer(context, session, refreshToken, storageMode(request, body) ? 'storage' : 'cookie')
}

/** The endpoints of the server contract, by name: what `createAuthHandler()` of `@tokenlife/server` answers. */
export const contractEndpoints: Record<ContractEndpoint, { method: 'GET' | 'POST'; answer(context: ContractContext, request: Request): Promise<Response> }> = {
  login: { method: 'POST', answer: login },
  refresh: { method: 'POST', answer: refresh },
  logout: { method: 'POST', answer: logout },
  logoutEverywhere: { method: 'POST', answer: logoutEverywhere },
  changePassword: { method: 'POST', answer: changePassword },
  jwks: { method: 'GET', answer: async (context) => json({ keys: [] }, 200, context.options.now(), { 'Cache-Control': 'public, max-age=300' }) },
}

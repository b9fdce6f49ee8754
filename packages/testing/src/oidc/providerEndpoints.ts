import { s256 } from '../jwt/es256Signer'
import { bearerOf, formOf, json, oauthError } from '../server/answers'
import { authorize, endSession } from './authorization'
import type { ProviderContext } from './providerContext'

/** The endpoints of the mock OpenID Connect provider. */
export type ProviderEndpoint = 'discovery' | 'authorize' | 'token' | 'jwks' | 'revoke' | 'endSession' | 'userinfo'

/** Where each endpoint lives under the issuer. */
export const providerPaths: Record<ProviderEndpoint, string> = {
  discovery: '/.well-known/openid-configuration',
  authorize: '/authorize',
  token: '/token',
  jwks: '/jwks',
  revoke: '/revoke',
  endSession: '/end-session',
  userinfo: '/userinfo',
}

type Note = (outcome: string) => void

function discovery(context: ProviderContext): Response {
  const { options } = context
  return context.cors(
    json(
      {
        issuer: options.issuer,
        authorization_endpoint: context.url(providerPaths.authorize),
        token_endpoint: context.url(providerPaths.token),
        jwks_uri: context.url(providerPaths.jwks),
        userinfo_endpoint: context.url(providerPaths.userinfo),
        ...(options.revocation ? { revocation_endpoint: context.url(providerPaths.revoke) } : {}),
        ...(options.endSession ? { end_session_endpoint: context.url(providerPaths.endSession) } : {}),
        response_types_supported: ['code'],
        grant_types_supported: ['authorization_code', 'refresh_token'],
        code_challenge_methods_supported: ['S256'],
        token_endpoint_auth_methods_supported: ['none'],
        id_token_signing_alg_values_supported: ['ES256'],
        subject_types_supported: ['public'],
        scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
        authorization_response_iss_parameter_supported: true,
      },
      200,
      options.now(),
    ),
  )
}

/** A redirect of the browser (`302`), or the page a refusal shows. */
function redirectOr(context: ProviderContext, decide: () => string | undefined, page: string): Response {
  let location: string | undefined
  try {
    location = decide()
  } catch (error) {
    return new Response(`<!doctype html><title>Refused</title><p>${(error as Error).message}</p>`, { status: 400, headers: { 'Content-Type': 'text/html' } })
  }
  if (location === undefined) return new Response(`<!doctype html><title>${page}</title><p>${page}</p>`, { status: 200, headers: { 'Content-Type': 'text/html' } })
  return new Response(null, { status: 302, headers: { Location: location, 'Cache-Control': 'no-store', Date: new Date(context.options.now()).toUTCString() } })
}

async function codeExchange(context: ProviderContext, form: URLSearchParams, note: Note): Promise<Response> {
  const { options, codes, book } = context
  const refuse = (description: string) => {
    note('refused')
    return context.cors(oauthError(400, 'invalid_grant', description, options.now()))
  }
  const code = codes.get(form.get('code') ?? '')
  if (!code) return refuse('unknown authorization code')
  if (code.sessionId !== undefined) {
    // A code presented twice: whatever it issued is revoked (RFC 6749 §4.1.2).
    book.revoke(code.sessionId, 'reuse')
    return refuse('the authorization code was used already')
  }
  if (options.now() >= code.expiresAt) return refuse('the authorization code expired')
  if (form.get('redirect_uri') !== code.redirectUri) return refuse('redirect_uri does not match the authorization request')
  const verifier = form.get('code_verifier')
  if (!verifier || (await s256(verifier)) !== code.challenge) return refuse('PKCE verification failed')
  const { session, refreshToken } = book.start(code.userId, { scope: code.scope, authTime: code.authTime })
  code.sessionId = session.id
  note('code-exchanged')
  return context.tokenAnswer(session, refreshToken, code.nonce)
}

async function token(context: ProviderContext, request: Request, note: Note): Promise<Response> {
  const { options, book } = context
  const form = await formOf(request)
  if (form.get('client_id') !== options.clientId) return context.cors(oauthError(401, 'invalid_client', 'client authentication failed', options.now()))
  const grant = form.get('grant_type')
  if (grant === 'authorization_code') return codeExchange(context, form, note)
  if (grant !== 'refresh_token') return context.cors(oauthError(400, 'unsupported_grant_type', `grant_type ${String(grant)} is not supported`, options.now()))
  const rotation = book.rotate(form.get('refresh_token') ?? '')
  if (!rotation.ok) {
    note(rotation.reason)
    return context.cors(oauthError(400, 'invalid_grant', `refresh token ${rotation.reason === 'reuse' ? 'reuse detected' : rotation.reason}`, options.now()))
  }
  note(rotation.retried ? 'retried' : 'rotated')
  return context.tokenAnswer(rotation.session, rotation.refreshToken, undefined)
}

async function revoke(context: ProviderContext, request: Request, note: Note): Promise<Response> {
  const { options, book, accessTokens } = context
  const form = await formOf(request)
  if (form.get('client_id') !== options.clientId) return context.cors(oauthError(401, 'invalid_client', 'client authentication failed', options.now()))
  const presented = form.get('token') ?? ''
  const session = book.sessionOf(presented)
  const access = accessTokens.get(presented)
  if (session) book.revoke(session.id, 'logout')
  if (access) context.denied.add(access.jti)
  note(session || access ? 'revoked' : 'nothing-to-revoke')
  // RFC 7009 §2.2: 200 whether or not the token was valid.
  return context.cors(new Response(null, { status: 200, headers: { 'Cache-Control': 'no-store' } }))
}

async function userinfo(context: ProviderContext, request: Request): Promise<Response> {
  const claims = context.accessTokenClaims(bearerOf(request))
  if (!claims) {
    return context.cors(oauthError(401, 'invalid_token', 'the access token is not valid', context.options.now(), { 'WWW-Authenticate': 'Bearer error="invalid_token"' }))
  }
  return context.cors(json(context.users.claimsOf(context.users.byId(claims.sub)!), 200, context.options.now()))
}

/** Each endpoint's method and answer. */
export const providerEndpoints: Record<ProviderEndpoint, { method: 'GET' | 'POST'; answer(context: ProviderContext, request: Request, note: Note): Promise<Response> }> = {
  discovery: { method: 'GET', answer: async (context) => discovery(context) },
  authorize: { method: 'GET', answer: async (context, request) => redirectOr(context, () => authorize(context, new URL(request.url)), 'Refused') },
  token: { method: 'POST', answer: token },
  jwks: { method: 'GET', answer: async (context) => context.cors(json({ keys: await Promise.all(context.keys.map((key) => key.publicJwk())) }, 200, context.options.now())) },
  revoke: { method: 'POST', answer: revoke },
  endSession: { method: 'GET', answer: async (context, request) => redirectOr(context, () => endSession(context, new URL(request.url)), 'You are signed out') },
  userinfo: { method: 'GET', answer: userinfo },
}

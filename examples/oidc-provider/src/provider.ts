// eslint-disable-next-line @typescript-eslint/triple-slash-reference -- the ambient types of oidc-provider (it ships none), for the packages that import this one
/// <reference path="./oidc-provider.d.ts" />
// A real, certified OpenID Connect provider (oidc-provider) on 127.0.0.1, configured as a standard deployment for a
// single-page app: a public client with PKCE, refresh-token rotation, short access tokens (opaque for the OIDC
// userinfo audience, JWT for an API named by a resource indicator), RP-initiated logout, and a login form
// (oidc-provider's development interactions: any login name, any password). Tests also get the signing key and hooks
// that rewrite token answers or take the JWKS down, to play an attacker or an outage.
import { randomBytes } from 'node:crypto'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose'
import Provider, { errors, type ClientLike, type KoaContext } from 'oidc-provider'
import { signInOverHttp, type CodeTokens } from './codeFlow'

/** The public client's id, as registered at the provider. */
export const CLIENT_ID = 'tokenlife-spa'
/** The API whose access tokens are JWTs (resource indicator, RFC 8707). */
export const API = 'https://api.tokenlife.test/'
/** The default access-token lifetime, seconds: short, so silent refresh runs many times within a suite. */
export const ACCESS_TOKEN_TTL = 5
/** A redirect URI registered for Node clients that drive the code flow over HTTP (no page). */
export const NODE_REDIRECT_URI = 'https://app.tokenlife.test/callback'

export type { CodeTokens } from './codeFlow'

/** What the provider saw (counted in its own events and by a middleware in front of it). */
export interface ProviderLog {
  refreshSuccesses: number
  /** Refused refreshes: `detail` is what oidc-provider tells no client (`refresh token already used`, `failed jkt verification`). */
  refreshErrors: { error: string; description: string | undefined; detail?: string }[]
  /** Authorization-code exchanges answered with tokens, and refused. */
  codeSuccesses: number
  codeErrors: { error: string; description: string | undefined; detail?: string }[]
  /** Requests per path (`/.well-known/openid-configuration`, `/jwks`, `/token`, `/session/end`, …). */
  requests: Record<string, number>
  /** RP-initiated logouts that ended the user's session at the provider. */
  endSessions: number
  /** Token requests answered `use_dpop_nonce` (not in `refreshErrors` / `codeErrors`), by grant type. */
  nonceChallenges: { grantType: string; description: string | undefined }[]
  /** Token requests (code and refresh) by the DPoP key thumbprint their proof named, when one did. */
  dpopKeys: string[]
}

/** Rewrites a token endpoint's JSON answer (a test's attacker or broken provider). */
export type TokenAnswerRewrite = (body: Record<string, unknown>, grantType: string) => Record<string, unknown> | Promise<Record<string, unknown>>

/** Options of {@link startProvider}. */
export interface StartProviderOptions {
  /** Origins of pages that sign in here: each gets `<origin>/callback` and `<origin>/` registered, and CORS. */
  appOrigins?: string[]
  /** Access-token lifetime, seconds. Default {@link ACCESS_TOKEN_TTL}. */
  accessTokenTtl?: number
  /** ID-token lifetime, seconds. Default 300. */
  idTokenTtl?: number
  /** Port to listen on (127.0.0.1). Default 0: a free port. */
  port?: number
  /**
   * DPoP (RFC 9449) required for the client (`dpop_bound_access_tokens`): every code exchange and refresh must carry a
   * proof, and the tokens are bound to its key (`cnf.jkt`). With `nonces`, every proof must carry the provider's
   * nonce (`features.dPoP.requireNonce`). Default: off (DPoP accepted, not required).
   */
  dpop?: { nonces?: boolean }
}

/** A running provider. */
export interface RunningProvider {
  issuer: string
  provider: Provider
  tokenEndpoint: string
  revocationEndpoint: string
  log: ProviderLog
  /** The private signing key of the provider's ID tokens (RS256), to forge tokens the real key signed. */
  signingKey: { kid: string; sign(claims: Record<string, unknown>, header?: Record<string, unknown>): Promise<string> }
  /** Rewrites every token answer from now on (`undefined`: stop). */
  rewriteTokenAnswers(rewrite: TokenAnswerRewrite | undefined): void
  /** Whether the JWKS endpoint answers 503 (an outage of the key set only). */
  jwksDown: boolean
  /** Signs a user in through the authorization-code flow with PKCE over HTTP (no page) and returns the tokens. */
  signIn(user: string, options?: { resource?: string }): Promise<CodeTokens>
  /**
   * From now on refresh answers wait (the provider has rotated already) until the returned function is called: a test
   * can make sure every tab has called in before the first answer arrives, however slowly the machine runs.
   */
  holdRefreshes(): () => void
  /** Revokes the grant a refresh token belongs to, as an administrator (or a password change) would. */
  revokeGrantOf(refreshToken: string): Promise<void>
  /** Whether the provider still knows `refreshToken` as an active, unconsumed token. */
  isRefreshTokenActive(refreshToken: string): Promise<boolean>
  close(): Promise<void>
}

/**
 * Starts the provider on 127.0.0.1. Pages on `appOrigins` sign in with the authorization-code flow and PKCE at its
 * login form, refresh with rotation, revoke, and log out at its end-session endpoint.
 */
export async function startProvider({ appOrigins = [], accessTokenTtl = ACCESS_TOKEN_TTL, idTokenTtl = 300, port = 0, dpop }: StartProviderOptions = {}): Promise<RunningProvider> {
  const server: Server = createServer()
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve))
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const log: ProviderLog = { refreshSuccesses: 0, refreshErrors: [], codeSuccesses: 0, codeErrors: [], requests: {}, endSessions: 0, nonceChallenges: [], dpopKeys: [] }

  const { privateKey } = await generateKeyPair('RS256', { extractable: true })
  const kid = `tokenlife-${Math.random().toString(36).slice(2, 10)}`
  const privateJwk: JWK = { ...(await exportJWK(privateKey)), kid, alg: 'RS256', use: 'sig' }

  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: CLIENT_ID,
        // A public client: no secret, PKCE instead.
        token_endpoint_auth_method: 'none',
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        redirect_uris: [NODE_REDIRECT_URI, ...appOrigins.map((origin) => `${origin}/callback`)],
        post_logout_redirect_uris: appOrigins.map((origin) => `${origin}/`),
        // Sender-constrained tokens required: every token request must prove the key (RFC 9449 §5).
        ...(dpop ? { dpop_bound_access_tokens: true } : {}),
      },
    ],
    jwks: { keys: [privateJwk] },
    pkce: { required: () => true },
    scopes: ['openid', 'offline_access', 'profile', 'email', 'api:read'],
    claims: { openid: ['sub'], profile: ['name', 'preferred_username'], email: ['email', 'email_verified'] },
    // The scopes' claims in the ID token too (not only at userinfo), as most providers do: `user.name` at once.
    conformIdTokenClaims: false,
    findAccount: async (_ctx: unknown, sub: string) => ({
      accountId: sub,
      claims: async () => ({ sub, name: sub.charAt(0).toUpperCase() + sub.slice(1), preferred_username: sub, email: `${sub}@tokenlife.test`, email_verified: true }),
    }),
    // A first-party app: the user signs in, and is not asked to consent to what the app requests.
    loadExistingGrant: async (ctx: KoaContext) => {
      const { Grant } = ctx.oidc.provider
      const grant = new Grant({ clientId: ctx.oidc.client!.clientId, accountId: ctx.oidc.session!.accountId })
      grant.addOIDCScope(String(ctx.oidc.params?.scope ?? 'openid'))
      grant.addOIDCClaims(['sub', 'name', 'preferred_username', 'email', 'email_verified'])
      const resource = ctx.oidc.params?.resource
      if (resource === API) grant.addResourceScope(API, 'api:read')
      await grant.save()
      return grant
    },
    // Every sign-in gets a refresh token (the default asks for offline_access and a consent prompt).
    issueRefreshToken: async (_ctx: unknown, client: ClientLike) => client.grantTypeAllowed('refresh_token'),
    // Public clients rotate by default; say it anyway: each refresh token works once.
    rotateRefreshToken: () => true,
    ttl: {
      AccessToken: accessTokenTtl,
      AuthorizationCode: 60,
      IdToken: idTokenTtl,
      RefreshToken: 3600,
      Grant: 3600,
      Session: 3600,
      Interaction: 600,
    },
    cookies: { keys: ['tokenlife-example-only'] },
    features: {
      devInteractions: { enabled: true },
      revocation: {
        enabled: true,
        // A client may revoke only its own tokens.
        allowedPolicy: async (_ctx: unknown, client: { clientId: string }, token: { clientId?: string }) => token.clientId === client.clientId,
      },
      introspection: { enabled: true },
      // DPoP is on in oidc-provider 9 by default; its nonces need a secret (shared by every instance).
      dPoP: { enabled: true, nonceSecret: randomBytes(32), requireNonce: () => dpop?.nonces === true },
      rpInitiatedLogout: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: async (_ctx: unknown, _client: unknown, oneOf?: string) => oneOf,
        // A refresh without a `resource` parameter keeps the audience granted at sign-in.
        useGrantedResource: async () => true,
        getResourceServerInfo: async (_ctx: unknown, resource: string) => {
          if (resource !== API) throw new errors.InvalidTarget()
          return { scope: 'api:read', audience: API, accessTokenTTL: accessTokenTtl, accessTokenFormat: 'jwt' }
        },
      },
    },
  })

  let rewrite: TokenAnswerRewrite | undefined
  let refreshGate: Promise<void> | undefined
  const running: RunningProvider = {
    issuer,
    provider,
    tokenEndpoint: `${issuer}/token`,
    revocationEndpoint: `${issuer}/token/revocation`,
    log,
    signingKey: {
      kid,
      sign: (claims, header = {}) =>
        new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid, typ: 'JWT', ...header }).sign(privateKey),
    },
    rewriteTokenAnswers: (next) => {
      rewrite = next
    },
    holdRefreshes: () => {
      let release = () => {}
      refreshGate = new Promise<void>((resolve) => {
        release = () => {
          refreshGate = undefined
          resolve()
        }
      })
      return release
    },
    jwksDown: false,
    signIn: (user, options) => signInOverHttp(issuer, { clientId: CLIENT_ID, redirectUri: NODE_REDIRECT_URI, user, ...options }),
    revokeGrantOf: async (refreshToken) => {
      const token = await provider.RefreshToken.find(refreshToken)
      if (!token) throw new Error('revokeGrantOf: unknown refresh token')
      const grant = await provider.Grant.find(token.grantId)
      await grant?.destroy()
    },
    isRefreshTokenActive: async (refreshToken) => {
      const token = await provider.RefreshToken.find(refreshToken)
      return token !== undefined && !token.isExpired && !token.consumed
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections()
        server.close((error) => (error ? reject(error) : resolve()))
      }),
  }

  // In front of every route: count requests, take the JWKS down on demand, rewrite token answers.
  provider.use(async (ctx, next) => {
    log.requests[ctx.path] = (log.requests[ctx.path] ?? 0) + 1
    if (ctx.path === '/jwks' && running.jwksDown) {
      ctx.status = 503
      ctx.body = { error: 'temporarily_unavailable' }
      return
    }
    await next()
    if (ctx.path === '/token' && refreshGate && ctx.oidc?.params?.grant_type === 'refresh_token') await refreshGate
    if (ctx.path === '/token' && rewrite && ctx.status === 200 && typeof ctx.body === 'object' && ctx.body !== null) {
      ctx.body = await rewrite(ctx.body as Record<string, unknown>, String(ctx.oidc?.params?.grant_type ?? ''))
    }
  })
  provider.on('grant.success', (ctx) => {
    if (ctx.oidc.params?.grant_type === 'refresh_token') log.refreshSuccesses++
    if (ctx.oidc.params?.grant_type === 'authorization_code') log.codeSuccesses++
  })
  provider.on('grant.success', (ctx) => {
    const jkt = (ctx.oidc as { entities?: { AccessToken?: { 'x5t#S256'?: string; jkt?: string } } }).entities?.AccessToken?.jkt
    if (jkt) log.dpopKeys.push(jkt)
  })
  provider.on('grant.error', (ctx, error) => {
    const detail = (error as { error_detail?: unknown }).error_detail
    const entry = { error: error.error ?? error.message, description: error.error_description, ...(typeof detail === 'string' ? { detail } : {}) }
    if (entry.error === 'use_dpop_nonce') {
      log.nonceChallenges.push({ grantType: String(ctx.oidc.params?.grant_type ?? ''), description: entry.description })
      return
    }
    if (ctx.oidc.params?.grant_type === 'refresh_token') log.refreshErrors.push(entry)
    if (ctx.oidc.params?.grant_type === 'authorization_code') log.codeErrors.push(entry)
  })
  provider.on('end_session.success', () => {
    log.endSessions++
  })
  server.on('request', provider.callback())
  return running
}

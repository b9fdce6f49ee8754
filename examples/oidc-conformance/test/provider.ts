// A real, certified OpenID Connect provider (oidc-provider) on 127.0.0.1, configured as a standard deployment for a
// single-page app: a public client with PKCE, refresh-token rotation, short access tokens (opaque for the OIDC
// userinfo audience, JWT for an API named by a resource indicator). The code flow is driven over HTTP through the
// provider's development login and consent pages.
import { createHash, randomBytes } from 'node:crypto'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import Provider, { errors, type ClientLike } from 'oidc-provider'

/** The public client's id, as registered at the provider. */
export const CLIENT_ID = 'tokenlife-spa'
/** The API whose access tokens are JWTs (resource indicator, RFC 8707). */
export const API = 'https://api.tokenlife.test/'
/** The access-token lifetime, seconds: short, so silent refresh runs many times within the suite. */
export const ACCESS_TOKEN_TTL = 5
const REDIRECT_URI = 'https://app.tokenlife.test/callback'

/** What the token endpoint answers to the authorization-code exchange. */
export interface CodeTokens {
  access_token: string
  refresh_token: string
  expires_in: number
  token_type: string
  scope?: string
}

/** What the provider saw at its token endpoint (counted in the provider's own `grant.*` events). */
export interface TokenEndpointLog {
  refreshSuccesses: number
  refreshErrors: { error: string; description: string | undefined }[]
}

/** A running provider. */
export interface RunningProvider {
  issuer: string
  provider: Provider
  tokenEndpoint: string
  revocationEndpoint: string
  log: TokenEndpointLog
  /** Signs a user in through the authorization-code flow with PKCE and returns the first tokens. */
  signIn(user: string, options?: { resource?: string }): Promise<CodeTokens>
  /** Revokes the grant a refresh token belongs to, as an administrator (or a password change) would. */
  revokeGrantOf(refreshToken: string): Promise<void>
  /** Whether the provider still knows `refreshToken` as an active, unconsumed token. */
  isRefreshTokenActive(refreshToken: string): Promise<boolean>
  close(): Promise<void>
}

/**
 * Starts the provider on 127.0.0.1 (a free port). `appOrigin`: the origin of a page that calls the provider from a
 * browser; its callback is registered, so the provider's CORS lets the page in (as for a real SPA).
 */
export async function startProvider({ appOrigin }: { appOrigin?: string } = {}): Promise<RunningProvider> {
  const server: Server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  const issuer = `http://127.0.0.1:${port}`
  const log: TokenEndpointLog = { refreshSuccesses: 0, refreshErrors: [] }

  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: CLIENT_ID,
        // A public client: no secret, PKCE instead.
        token_endpoint_auth_method: 'none',
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        redirect_uris: appOrigin ? [REDIRECT_URI, `${appOrigin}/callback`] : [REDIRECT_URI],
      },
    ],
    pkce: { required: () => true },
    scopes: ['openid', 'offline_access', 'api:read'],
    // Every sign-in gets a refresh token (the default asks for offline_access and a consent prompt).
    issueRefreshToken: async (_ctx: unknown, client: ClientLike) => client.grantTypeAllowed('refresh_token'),
    // Public clients rotate by default; say it anyway: each refresh token works once.
    rotateRefreshToken: () => true,
    ttl: {
      AccessToken: ACCESS_TOKEN_TTL,
      AuthorizationCode: 60,
      IdToken: 60,
      RefreshToken: 600,
      Grant: 600,
      Session: 600,
      Interaction: 600,
    },
    cookies: { keys: ['tokenlife-conformance-only'] },
    features: {
      devInteractions: { enabled: true },
      revocation: {
        enabled: true,
        // A client may revoke only its own tokens.
        allowedPolicy: async (_ctx: unknown, client: { clientId: string }, token: { clientId?: string }) => token.clientId === client.clientId,
      },
      introspection: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: async (_ctx: unknown, _client: unknown, oneOf?: string) => oneOf,
        // A refresh without a `resource` parameter keeps the audience granted at sign-in.
        useGrantedResource: async () => true,
        getResourceServerInfo: async (_ctx: unknown, resource: string) => {
          if (resource !== API) throw new errors.InvalidTarget()
          return { scope: 'api:read', audience: API, accessTokenTTL: ACCESS_TOKEN_TTL, accessTokenFormat: 'jwt' }
        },
      },
    },
  })
  provider.on('grant.success', (ctx) => {
    if (ctx.oidc.params?.grant_type === 'refresh_token') log.refreshSuccesses++
  })
  provider.on('grant.error', (ctx, error) => {
    if (ctx.oidc.params?.grant_type === 'refresh_token') {
      log.refreshErrors.push({ error: error.error ?? error.message, description: error.error_description })
    }
  })
  server.on('request', provider.callback())

  const signIn = async (user: string, { resource }: { resource?: string } = {}): Promise<CodeTokens> => {
    const jar = new Map<string, string>()
    const remember = (response: Response) => {
      for (const cookie of response.headers.getSetCookie()) {
        const [pair = ''] = cookie.split(';')
        const eq = pair.indexOf('=')
        const name = pair.slice(0, eq).trim()
        const value = pair.slice(eq + 1).trim()
        if (value === '' || /expires=Thu, 01 Jan 1970/i.test(cookie)) jar.delete(name)
        else jar.set(name, value)
      }
    }
    const cookieHeader = () => [...jar].map(([name, value]) => `${name}=${value}`).join('; ')
    const verifier = randomBytes(32).toString('base64url')
    const authorize = new URL('/auth', issuer)
    authorize.search = new URLSearchParams({
      client_id: CLIENT_ID,
      response_type: 'code',
      redirect_uri: REDIRECT_URI,
      scope: resource ? 'openid api:read' : 'openid',
      code_challenge: createHash('sha256').update(verifier).digest('base64url'),
      code_challenge_method: 'S256',
      state: randomBytes(8).toString('hex'),
      ...(resource ? { resource } : {}),
    }).toString()

    let next: { url: string; init: RequestInit } = { url: authorize.href, init: {} }
    let code: string | undefined
    for (let step = 0; step < 12 && code === undefined; step++) {
      const response = await fetch(next.url, { ...next.init, redirect: 'manual', headers: { ...next.init.headers, cookie: cookieHeader() } })
      remember(response)
      const location = response.headers.get('location')
      if (location) {
        await response.body?.cancel()
        const target = new URL(location, next.url)
        if (target.href.startsWith(REDIRECT_URI)) {
          const error = target.searchParams.get('error')
          if (error) throw new Error(`sign-in refused: ${error} ${target.searchParams.get('error_description') ?? ''}`)
          code = target.searchParams.get('code') ?? undefined
        } else {
          next = { url: target.href, init: {} }
        }
        continue
      }
      // A development login or consent page: submit its form.
      const page = await response.text()
      const action = /<form[^>]*action="([^"]+)"/.exec(page)?.[1]
      const prompt = /name="prompt" value="([^"]+)"/.exec(page)?.[1]
      if (!action || !prompt) throw new Error(`unexpected page at ${next.url} (HTTP ${response.status}): ${page.slice(0, 300)}`)
      const form = new URLSearchParams(prompt === 'login' ? { prompt, login: user, password: 'any' } : { prompt })
      next = {
        url: new URL(action.replaceAll('&amp;', '&'), next.url).href,
        init: { method: 'POST', body: form, headers: { 'content-type': 'application/x-www-form-urlencoded' } },
      }
    }
    if (code === undefined) throw new Error('the code flow did not reach the redirect URI')

    const exchange = await fetch(new URL('/token', issuer), {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code,
        redirect_uri: REDIRECT_URI,
        client_id: CLIENT_ID,
        code_verifier: verifier,
      }),
    })
    const tokens = (await exchange.json()) as CodeTokens & { error?: string; error_description?: string }
    if (!exchange.ok) throw new Error(`code exchange failed: ${tokens.error} ${tokens.error_description ?? ''}`)
    return tokens
  }

  return {
    issuer,
    provider,
    tokenEndpoint: `${issuer}/token`,
    revocationEndpoint: `${issuer}/token/revocation`,
    log,
    signIn,
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
}

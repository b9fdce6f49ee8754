import type { AuthClientOptions, Environment } from '@tokenlife/core'
import { checkAuthorizationParams, type AuthorizationParams } from './authorize'
import type { ProviderMetadata } from './discovery'
import { invalid } from './diagnostics/diagnostic'
import { browserEnvironment, type OAuthEnvironment } from './environment'
import { isLoopback } from './protocol'

/**
 * Options of {@link createOAuthClient}. `issuer`, `clientId` and `redirectUri` are required; the rest is the core's
 * (`namespace`, `storage`, `timing`, `allowedOrigins`, …), passed on to the session's client.
 *
 * @example
 * ```ts
 * const options: OAuthClientOptions = {
 *   issuer: 'https://id.example.com',
 *   clientId: 'my-spa',
 *   redirectUri: '/callback',
 *   allowedOrigins: ['https://api.example.com'],
 * }
 * ```
 */
export interface OAuthClientOptions
  extends Pick<AuthClientOptions, 'namespace' | 'storage' | 'persistAccessToken' | 'timing' | 'logoutTimeoutMs' | 'allowedOrigins' | 'debug' | 'dpop'> {
  /** The provider's issuer URL, exactly as its discovery document says (`https://id.example.com/realms/acme`). */
  issuer: string
  /** This app's `client_id`: a public client (no secret), authorization code + PKCE, refresh tokens on. */
  clientId: string
  /** Where the provider sends the user back (registered at the provider); a path is resolved against the page. */
  redirectUri: string
  /** Scopes of every sign-in. Default `'openid profile email offline_access'` (`openid` is always added). */
  scope?: string
  /** Parameters every sign-in sends (e.g. `{ audience }` for Auth0, `{ resource }`); a call's own win. */
  authorizationParams?: AuthorizationParams
  /** Where the provider sends the user after `logout()` when the call names no `returnTo` (registered there). */
  postLogoutRedirectUri?: string
  /** The provider's metadata by hand (then nothing is discovered). Its `issuer` must be `issuer`. */
  metadata?: ProviderMetadata
  /** How long the discovery document an earlier page cached is used without asking again, ms. Default 1 hour. */
  discoveryCacheMs?: number
  /** Replace browser effects (tests, server-side rendering): the core's and the OAuth client's own. */
  environment?: Partial<Environment & OAuthEnvironment>
}

/** {@link OAuthClientOptions} checked, with the defaults filled in. */
export interface NormalizedOAuthOptions {
  issuer: string
  clientId: string
  redirectUri: string
  scope: string
  authorizationParams: AuthorizationParams
  postLogoutRedirectUri: string | undefined
  metadata: ProviderMetadata | undefined
  discoveryCacheMs: number
  namespace: string
  env: OAuthEnvironment
  core: AuthClientOptions['environment']
}

/** The options `createOAuthClient()` takes: another name is refused by the development build (TL502). */
const names = /* @__PURE__ */ new Set(['issuer', 'clientId', 'redirectUri', 'scope', 'authorizationParams', 'postLogoutRedirectUri', 'metadata', 'discoveryCacheMs', 'environment', 'namespace', 'storage', 'persistAccessToken', 'timing', 'logoutTimeoutMs', 'allowedOrigins', 'debug', 'dpop'])

const text = (option: string, value: unknown): string => (typeof value === 'string' && value.trim() !== '' ? value : invalid('TL503', option, value))

/** Checks the options once, at the boundary; throws a `TypeError` naming the option. */
export function normalizeOAuthOptions(options: OAuthClientOptions): NormalizedOAuthOptions {
  if (typeof options !== 'object' || options === null) invalid('TL501')
  if (process.env.NODE_ENV !== 'production') {
    for (const name of Object.keys(options)) if (!names.has(name)) invalid('TL502', name)
  }
  const issuer = text('issuer', options.issuer)
  const url = (() => {
    try {
      return new URL(issuer)
    } catch {
      return undefined
    }
  })()
  if (url?.protocol !== 'https:' && !(url?.protocol === 'http:' && isLoopback(issuer))) {
    invalid('TL504', 'issuer', issuer)
  }
  const metadata = options.metadata
  if (metadata !== undefined && metadata?.issuer !== issuer) invalid('TL505', 'metadata', issuer, metadata?.issuer)
  const discoveryCacheMs = options.discoveryCacheMs ?? 60 * 60_000
  if (!(typeof discoveryCacheMs === 'number' && discoveryCacheMs >= 0)) invalid('TL506', 'discoveryCacheMs', discoveryCacheMs)
  const { pageUrl, navigate, replaceUrl, tabStorage, sharedStorage, fetch, now } = options.environment ?? {}
  const env: OAuthEnvironment = {
    ...browserEnvironment,
    ...Object.fromEntries(Object.entries({ pageUrl, navigate, replaceUrl, tabStorage, sharedStorage, fetch, now }).filter(([, value]) => value !== undefined)),
  }
  return {
    issuer,
    clientId: text('clientId', options.clientId),
    redirectUri: text('redirectUri', options.redirectUri),
    scope: options.scope === undefined ? 'openid profile email offline_access' : text('scope', options.scope),
    authorizationParams: checkAuthorizationParams(options.authorizationParams),
    postLogoutRedirectUri: options.postLogoutRedirectUri === undefined ? undefined : text('postLogoutRedirectUri', options.postLogoutRedirectUri),
    metadata,
    discoveryCacheMs,
    namespace: options.namespace ?? 'default',
    env,
    core: options.environment,
  }
}

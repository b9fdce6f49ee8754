import { invalid } from './diagnostics/diagnostic'
import type { ProviderMetadata } from './discovery'
import type { Protocol } from './protocol'
import type { Transaction } from './transactions'

/**
 * Extra parameters of the authorization request, passed through as they are. The common ones are typed; any other
 * string goes too. `resource` may name several APIs (RFC 8707).
 *
 * @example
 * ```ts
 * const params: AuthorizationParams = { prompt: 'login', login_hint: 'ada@example.com', ui_locales: 'fr' }
 * ```
 */
export interface AuthorizationParams {
  /** Space-separated scopes; `openid` is always added. Default: the client's `scope` option. */
  scope?: string
  /** `login`, `consent`, `select_account`, `none`, … */
  prompt?: string
  /** The user's identifier (an email, a user name), to prefill the provider's sign-in form. */
  login_hint?: string
  /** Auth0's name for the API the access token is for. */
  audience?: string
  /** RFC 8707: the API(s) the access token is for. */
  resource?: string | string[]
  /** The authentication context classes asked for, space-separated (e.g. a step-up to multi-factor: `urn:mfa`). */
  acr_values?: string
  /** The languages of the provider's pages, space-separated by preference (`fr-CA fr en`). */
  ui_locales?: string
  /** Seconds: the user must have signed in at most this long ago (the ID token's `auth_time` is checked). */
  max_age?: number
  /** Any other parameter the provider takes (`claims`, `organization`, `domain_hint`, …), sent as it is. */
  [name: string]: string | string[] | number | undefined
}

/** Parameters the client sets itself: passing them would break the protocol, so it is a `TypeError`. */
const reserved = new Set(['client_id', 'redirect_uri', 'response_type', 'response_mode', 'state', 'nonce', 'code_challenge', 'code_challenge_method', 'request', 'request_uri', 'dpop_jkt'])

/** Checks pass-through parameters once, before anything is stored. */
export function checkAuthorizationParams(params: unknown): AuthorizationParams {
  if (params === undefined) return {}
  if (typeof params !== 'object' || params === null || Array.isArray(params)) invalid('TL507', 'authorizationParams', params)
  for (const [name, value] of Object.entries(params)) {
    if (reserved.has(name)) invalid('TL508', `authorizationParams.${name}`)
    const ok = value === undefined || typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value)) || (Array.isArray(value) && value.every((item) => typeof item === 'string'))
    if (!ok) invalid('TL509', `authorizationParams.${name}`, typeof value)
  }
  const maxAge = (params as AuthorizationParams).max_age
  if (maxAge !== undefined && !(typeof maxAge === 'number' && maxAge >= 0)) invalid('TL510', 'authorizationParams.max_age', maxAge)
  return params as AuthorizationParams
}

/** `openid` plus the requested scopes, each once. */
function scopeWithOpenid(scope: string): string {
  const scopes = scope.split(/\s+/).filter(Boolean)
  return ['openid', ...scopes.filter((name) => name !== 'openid')].join(' ')
}

/**
 * A new sign-in: a fresh PKCE verifier (S256), state and nonce (oauth4webapi makes them), the authorization URL that
 * carries them and the pass-through parameters, and the transaction its callback will be checked against. With DPoP,
 * `dpopJkt` (the new session's key) goes as `dpop_jkt` (RFC 9449 §10): the code can be exchanged with that key only.
 */
export async function authorizationRequest(
  o: Protocol,
  as: ProviderMetadata,
  request: { clientId: string; redirectUri: string; scope: string; returnTo: string; params: AuthorizationParams; now: number; dpopJkt?: string },
): Promise<{ url: URL; transaction: Transaction }> {
  const codeVerifier = o.generateRandomCodeVerifier()
  const state = o.generateRandomState()
  const nonce = o.generateRandomNonce()
  const url = new URL(as.authorization_endpoint!)
  const { scope = request.scope, max_age: maxAge, ...extra } = request.params
  const search = url.searchParams
  search.set('client_id', request.clientId)
  search.set('redirect_uri', request.redirectUri)
  search.set('response_type', 'code')
  search.set('scope', scopeWithOpenid(scope))
  search.set('code_challenge', await o.calculatePKCECodeChallenge(codeVerifier))
  search.set('code_challenge_method', 'S256')
  search.set('state', state)
  search.set('nonce', nonce)
  if (request.dpopJkt !== undefined) search.set('dpop_jkt', request.dpopJkt)
  if (maxAge !== undefined) search.set('max_age', String(maxAge))
  for (const [name, value] of Object.entries(extra)) {
    if (value === undefined) continue
    search.delete(name)
    for (const item of Array.isArray(value) ? value : [value]) search.append(name, String(item))
  }
  const transaction: Transaction = { state, codeVerifier, nonce, redirectUri: request.redirectUri, returnTo: request.returnTo, createdAt: request.now }
  if (maxAge !== undefined) transaction.maxAge = maxAge
  if (request.dpopJkt !== undefined) transaction.dpopJkt = request.dpopJkt
  return { url, transaction }
}

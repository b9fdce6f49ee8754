import { describe, kitError } from '../diagnostics/kitError'
import { defaultTestUser, type MockUser } from '../server/mockUsers'
import { seconds } from '../server/serverOptions'

/**
 * Options of {@link mockOidcProvider}. Everything is optional: by default a provider at
 * `https://id.tokenlife.test` with one public client `tokenlife-spa` that may redirect anywhere, and one user,
 * {@link defaultTestUser}.
 *
 * @example
 * ```ts
 * const provider = mockOidcProvider({
 *   issuer: 'https://id.example.com',
 *   clientId: 'my-spa',
 *   redirectUris: ['http://localhost:3000/callback'],
 *   users: [{ email: 'ada@example.com', password: 'x', claims: { name: 'Ada Lovelace' } }],
 * })
 * ```
 */
export interface MockOidcProviderOptions {
  /** The issuer, as its discovery document and its tokens say. Default `'https://id.tokenlife.test'`. */
  issuer?: string
  /** The public client's `client_id`. Default `'tokenlife-spa'`. */
  clientId?: string
  /** The registered redirect URIs (exact match). Default: any `http(s)` URL. */
  redirectUris?: readonly string[]
  /** The registered post-logout redirect URIs (exact match). Default: any `http(s)` URL. */
  postLogoutRedirectUris?: readonly string[]
  /** Who can sign in; the first one does unless `signInAs()` says otherwise. Default: {@link defaultTestUser}. */
  users?: readonly MockUser[]
  /** How long access and ID tokens live, seconds. Default 300. */
  accessTokenTtl?: number
  /** How long a refresh token lives unused, seconds. Default 7 days. */
  refreshTokenTtl?: number
  /** A refresh token presented again within this many seconds of its rotation gets the same successor. Default 0. */
  retryWindowSeconds?: number
  /** Whether discovery lists a `revocation_endpoint` (RFC 7009). Default `true` (Entra ID has none). */
  revocation?: boolean
  /** Whether discovery lists an `end_session_endpoint`. Default `true` (Cognito has none). */
  endSession?: boolean
  /** The provider's clock, epoch ms. Default `Date.now`. */
  now?: () => number
  /** How the provider waits for a slow answer (`delayNextRefresh`). Default: a real `setTimeout`. */
  wait?: (ms: number) => Promise<void>
}

/** {@link MockOidcProviderOptions} checked, with the defaults. */
export interface NormalizedProviderOptions {
  issuer: string
  origin: string
  /** The issuer's path, without a trailing slash ('' for an issuer at the origin's root). */
  base: string
  clientId: string
  redirectUris: readonly string[] | undefined
  postLogoutRedirectUris: readonly string[] | undefined
  users: readonly MockUser[]
  accessTokenTtl: number
  refreshTokenTtlMs: number
  retryWindowMs: number
  revocation: boolean
  endSession: boolean
  now: () => number
  wait: (ms: number) => Promise<void>
}

const known = new Set(['issuer', 'clientId', 'redirectUris', 'postLogoutRedirectUris', 'users', 'accessTokenTtl', 'refreshTokenTtl', 'retryWindowSeconds', 'revocation', 'endSession', 'now', 'wait'])

const invalid = (option: string, value: unknown): never => {
  throw kitError(TypeError, 'TL810', option, describe(value))
}

/** Checks the options once (TL810 names a bad one). */
export function normalizeProviderOptions(options: MockOidcProviderOptions = {}): NormalizedProviderOptions {
  if (typeof options !== 'object' || options === null) invalid('options', options)
  for (const name of Object.keys(options)) if (!known.has(name)) invalid(name, 'an unknown option')
  const issuer = options.issuer ?? 'https://id.tokenlife.test'
  let url: URL | undefined
  try {
    url = new URL(issuer)
  } catch {
    invalid('issuer', issuer)
  }
  if (!/^https?:$/.test(url!.protocol) || url!.search || url!.hash) invalid('issuer', issuer)
  const clientId = options.clientId ?? 'tokenlife-spa'
  if (typeof clientId !== 'string' || clientId === '') invalid('clientId', clientId)
  for (const name of ['redirectUris', 'postLogoutRedirectUris'] as const) {
    const list = options[name]
    if (list !== undefined && !(Array.isArray(list) && list.every((item) => typeof item === 'string'))) invalid(name, list)
  }
  const users = options.users ?? [defaultTestUser]
  if (!Array.isArray(users) || users.length === 0 || users.some((user) => typeof user?.email !== 'string' || typeof user.password !== 'string')) invalid('users', users)
  return {
    issuer,
    origin: url!.origin,
    base: url!.pathname.replace(/\/+$/, ''),
    clientId,
    redirectUris: options.redirectUris,
    postLogoutRedirectUris: options.postLogoutRedirectUris,
    users,
    accessTokenTtl: seconds('accessTokenTtl', options.accessTokenTtl, 300),
    refreshTokenTtlMs: seconds('refreshTokenTtl', options.refreshTokenTtl, 7 * 24 * 3600) * 1000,
    retryWindowMs: seconds('retryWindowSeconds', options.retryWindowSeconds, 0, true) * 1000,
    revocation: options.revocation !== false,
    endSession: options.endSession !== false,
    now: options.now ?? (() => Date.now()),
    wait: options.wait ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
  }
}

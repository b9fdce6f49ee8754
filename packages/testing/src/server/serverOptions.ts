import { describe, kitError } from '../diagnostics/kitError'
import { defaultTestUser, type MockUser } from './mockUsers'

/** The endpoints of the server contract a mock server answers. */
export type ContractEndpoint = 'login' | 'refresh' | 'logout' | 'logoutEverywhere' | 'changePassword' | 'jwks'

/**
 * Options of {@link tokenlifeHandlers}: where the endpoints are, who can sign in, and how the server behaves. Every
 * field is optional; the defaults are the reference server's (`/auth/login`, `/auth/refresh`, `/auth/logout`, …,
 * 5-minute access tokens, refresh tokens that rotate with reuse detection).
 *
 * @example
 * ```ts
 * const auth = tokenlifeHandlers({
 *   origin: 'https://api.example.com',  // only requests to this origin
 *   users: [{ email: 'ada@example.com', password: 'correct-horse', claims: { role: 'admin' } }],
 *   accessTokenTtl: 30,
 * })
 * ```
 */
export interface MockAuthServerOptions {
  /** Answer only requests to this origin (`https://api.example.com`). Default: any origin, matched by path. */
  origin?: string
  /** Where the endpoints are, when `endpoints` does not say. Default `'/auth'`. */
  basePath?: string
  /**
   * The path (or absolute URL) of each endpoint, for an app whose client uses other ones. Defaults under `basePath`:
   * `login`, `refresh`, `logout`, `logout-everywhere`, `change-password`; `jwks` is `/.well-known/jwks.json`.
   */
  endpoints?: Partial<Record<ContractEndpoint, string>>
  /** Who can sign in. Default: one user, {@link defaultTestUser}. */
  users?: readonly MockUser[]
  /** How long access tokens live, seconds. Default 300. */
  accessTokenTtl?: number
  /** How long a refresh token lives unused, seconds. Default 7 days. */
  refreshTokenTtl?: number
  /** A refresh token presented again within this many seconds of its rotation gets the same successor. Default 0 (off). */
  retryWindowSeconds?: number
  /** Act as an OAuth server for a public client with this `client_id`: refresh and revocation must send it. */
  clientId?: string
  /** Put an OpenID Connect ID token (`id_token`, unsigned) with the user's claims in every token answer. Default `false`. */
  idTokens?: boolean
  /** The tokens' `iss`. Default `'https://auth.tokenlife.test'`. */
  issuer?: string
  /**
   * Where the refresh cookie lives. `'model'` (default): the server keeps the browser's cookie jar itself, as a
   * browser would (a request carries the cookie the jar held when it left; the jar changes when the answer is
   * received, not for an aborted request): right for msw in Node, jsdom, happy-dom and a service worker, which
   * cannot set cookies. `'browser'`: real `Set-Cookie` / `Cookie` headers, for a real browser behind
   * `routeToMockServer()` with several browser contexts (devices).
   */
  cookies?: 'model' | 'browser'
  /** The server's clock, epoch ms. Default `Date.now`. The scripted client passes its fake clock. */
  now?: () => number
  /** How the server waits for a slow answer (`delayNextRefresh`). Default: a real `setTimeout`. */
  wait?: (ms: number) => Promise<void>
}

/** {@link MockAuthServerOptions} checked, with every default filled in. */
export interface NormalizedServerOptions {
  origin: string | undefined
  endpoints: Record<ContractEndpoint, string>
  users: readonly MockUser[]
  accessTokenTtl: number
  refreshTokenTtlMs: number
  retryWindowMs: number
  clientId: string | undefined
  idTokens: boolean
  issuer: string
  cookies: 'model' | 'browser'
  cookiePath: string
  now: () => number
  wait: (ms: number) => Promise<void>
}

const known = new Set(['origin', 'basePath', 'endpoints', 'users', 'accessTokenTtl', 'refreshTokenTtl', 'retryWindowSeconds', 'clientId', 'idTokens', 'issuer', 'cookies', 'now', 'wait'])

const invalid = (option: string, expected: string, value: unknown): never => {
  throw kitError(TypeError, 'TL801', option, expected, describe(value))
}

/** A positive number of seconds, or the default. */
export function seconds(option: string, value: unknown, fallback: number, allowZero = false): number {
  if (value === undefined) return fallback
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || (!allowZero && value === 0)) {
    return invalid(option, allowZero ? 'a number of seconds ≥ 0' : 'a number of seconds > 0', value)
  }
  return value
}

/** A path: `/auth/refresh`, or the path of an absolute URL. */
function pathOf(option: string, value: unknown): string {
  if (typeof value !== 'string' || value === '') return invalid(option, 'a path such as "/auth/refresh" or an absolute URL', value)
  if (value.startsWith('/')) return value.replace(/\/+$/, '') || '/'
  try {
    return new URL(value).pathname
  } catch {
    return invalid(option, 'a path such as "/auth/refresh" or an absolute URL', value)
  }
}

/** Checks the options once, at the boundary; throws a `TypeError` (TL801) naming the option. */
export function normalizeServerOptions(options: MockAuthServerOptions = {}): NormalizedServerOptions {
  if (typeof options !== 'object' || options === null) invalid('options', 'an object', options)
  for (const name of Object.keys(options)) if (!known.has(name)) invalid(name, `one of ${[...known].join(', ')} (not an option)`, name)
  let origin: string | undefined
  if (options.origin !== undefined) {
    try {
      origin = new URL(options.origin).origin
    } catch {
      invalid('origin', 'an absolute origin such as "https://api.example.com"', options.origin)
    }
  }
  const base = options.basePath === undefined ? '/auth' : pathOf('basePath', options.basePath)
  const given = options.endpoints ?? {}
  const endpoint = (name: ContractEndpoint, fallback: string) => (given[name] === undefined ? fallback : pathOf(`endpoints.${name}`, given[name]))
  const users = options.users ?? [defaultTestUser]
  if (!Array.isArray(users) || users.length === 0) invalid('users', 'a non-empty array of { email, password }', users)
  for (const [index, user] of users.entries()) {
    if (typeof user?.email !== 'string' || user.email === '' || typeof user.password !== 'string') {
      invalid(`users[${index}]`, '{ email, password } (strings)', user)
    }
  }
  if (options.cookies !== undefined && options.cookies !== 'model' && options.cookies !== 'browser') invalid('cookies', '"model" or "browser"', options.cookies)
  for (const name of ['now', 'wait'] as const) if (options[name] !== undefined && typeof options[name] !== 'function') invalid(name, 'a function', options[name])
  return {
    origin,
    endpoints: {
      login: endpoint('login', `${base}/login`),
      refresh: endpoint('refresh', `${base}/refresh`),
      logout: endpoint('logout', `${base}/logout`),
      logoutEverywhere: endpoint('logoutEverywhere', `${base}/logout-everywhere`),
      changePassword: endpoint('changePassword', `${base}/change-password`),
      jwks: endpoint('jwks', '/.well-known/jwks.json'),
    },
    users,
    accessTokenTtl: seconds('accessTokenTtl', options.accessTokenTtl, 300),
    refreshTokenTtlMs: seconds('refreshTokenTtl', options.refreshTokenTtl, 7 * 24 * 3600) * 1000,
    retryWindowMs: seconds('retryWindowSeconds', options.retryWindowSeconds, 0, true) * 1000,
    clientId: options.clientId,
    idTokens: options.idTokens === true,
    issuer: options.issuer ?? 'https://auth.tokenlife.test',
    cookies: options.cookies ?? 'model',
    cookiePath: base,
    now: options.now ?? (() => Date.now()),
    wait: options.wait ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
  }
}

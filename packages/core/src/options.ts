import { createBrowserEnvironment, type Environment } from './environment'
import { checkAllowedOrigins } from './http/originPolicy'
import { defaultRefreshTiming, type RefreshTiming } from './refreshTiming'
import type { StorageAdapter } from './storage/storageAdapter'
import { oauthWireFormat, type WireFormat } from './wireFormat'
import type { AuthEvent } from './authEvents'

/** Options for {@link createAuthClient}. Only `refreshUrl` is required. */
export interface AuthClientOptions {
  /** The token endpoint that refreshes the session (POST). Required. */
  refreshUrl: string
  /** Enables `login(credentials)`: credentials are POSTed here as JSON. */
  loginUrl?: string
  /** Revocation endpoint called (best effort) by `logout()`. */
  logoutUrl?: string
  /**
   * Where the refresh token lives. `'cookie'` (default): an httpOnly cookie the server manages; tokenlife never
   * sees it. `'storage'`: the server returns it in the body and tokenlife keeps it in {@link AuthClientOptions.storage}.
   */
  refreshToken?: 'cookie' | 'storage'
  /**
   * Where the refresh token is persisted in storage mode. Default: IndexedDB (`indexedDbStorage()`).
   * Ignored in cookie mode.
   */
  storage?: StorageAdapter
  /**
   * Persist the access token so a reload can skip one refresh. Off by default (the access token stays in memory);
   * pass a {@link StorageAdapter}, e.g. `webStorage('session')`, to opt in.
   */
  persistAccessToken?: StorageAdapter
  /**
   * The OAuth 2.0 `client_id` of this app at the authorization server. When set, it is sent as the form parameter
   * `client_id` on every refresh and revocation request, as RFC 6749 §3.2.1 requires of public clients. Leave it
   * unset when a backend of yours (cookie mode) talks to the authorization server.
   *
   * @example
   * ```ts
   * createAuthClient({ refreshUrl: 'https://id.example.com/token', refreshToken: 'storage', oauthClientId: 'my-spa' })
   * ```
   */
  oauthClientId?: string
  /**
   * Names this client's storage keys, refresh lock and cross-tab channel (it is not the OAuth `client_id`: see
   * {@link AuthClientOptions.oauthClientId}); apps with several auth servers give each its own. Default `'default'`.
   */
  namespace?: string
  /** Refresh timing, retry and timeouts (all optional). */
  timing?: Partial<RefreshTiming>
  /** How long `logout()` waits for the server before giving up on revocation, ms. Default `5_000`. */
  logoutTimeoutMs?: number
  /** Origins (and URL prefixes) that may receive the access token. Used by the HTTP helpers. */
  allowedOrigins?: readonly string[]
  /** Replace parts of the OAuth 2.0 wire format. */
  wireFormat?: Partial<WireFormat>
  /** Replace parts of the host environment (clock, timers, fetch, events, locks, channel). */
  environment?: Partial<Environment>
  /** `true` logs every {@link AuthEvent} with `console.debug`; a function receives them instead. */
  debug?: boolean | ((event: AuthEvent) => void)
}

/** {@link AuthClientOptions} after validation, with every default filled in. */
export interface NormalizedOptions {
  refreshUrl: string
  loginUrl: string | undefined
  logoutUrl: string | undefined
  refreshTokenMode: 'cookie' | 'storage'
  storage: StorageAdapter | undefined
  persistAccessToken: StorageAdapter | undefined
  oauthClientId: string | undefined
  namespace: string
  timing: RefreshTiming
  logoutTimeoutMs: number
  allowedOrigins: readonly string[]
  wireFormat: WireFormat
  environment: Environment
  debug: ((event: AuthEvent) => void) | undefined
}

const fail = (option: string, why: string): never => {
  throw new TypeError(`tokenlife: option \`${option}\` ${why}`)
}

function checkUrl(option: string, value: unknown, required: boolean): string | undefined {
  if (value === undefined && !required) return undefined
  if (typeof value !== 'string' || value.trim() === '') return fail(option, `must be a non-empty URL string, got ${describe(value)}`)
  return value
}

function checkStorage(option: string, value: unknown): StorageAdapter | undefined {
  if (value === undefined) return undefined
  const candidate = value as Partial<StorageAdapter>
  if (
    typeof value !== 'object' ||
    value === null ||
    typeof candidate.get !== 'function' ||
    typeof candidate.set !== 'function' ||
    typeof candidate.remove !== 'function'
  ) {
    return fail(option, 'must be a storage adapter with get, set and remove methods')
  }
  return value as StorageAdapter
}

function describe(value: unknown): string {
  if (value === null) return 'null'
  if (typeof value === 'string') return JSON.stringify(value)
  return typeof value
}

/** Validates options once, at the boundary, and fills in every default. Throws a `TypeError` naming the option. */
export function normalizeOptions(options: AuthClientOptions): NormalizedOptions {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('tokenlife: createAuthClient(options) needs an options object with at least `refreshUrl`')
  }
  const refreshUrl = checkUrl('refreshUrl', options.refreshUrl, true) as string
  const mode = options.refreshToken ?? 'cookie'
  if (mode !== 'cookie' && mode !== 'storage') fail('refreshToken', `must be 'cookie' or 'storage', got ${describe(mode)}`)

  const timing = { ...defaultRefreshTiming }
  if (options.timing !== undefined) {
    if (typeof options.timing !== 'object' || options.timing === null) fail('timing', 'must be an object')
    for (const [key, value] of Object.entries(options.timing)) {
      if (!(key in defaultRefreshTiming)) fail(`timing.${key}`, 'is not a known timing option')
      if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
        fail(`timing.${key}`, `must be a non-negative finite number, got ${describe(value)}`)
      }
      timing[key as keyof RefreshTiming] = value
    }
  }
  if (timing.marginRatio >= 1) fail('timing.marginRatio', 'must be below 1')
  if (timing.retryBaseMs === 0) fail('timing.retryBaseMs', 'must be above 0 (a zero delay would retry in a loop)')

  if ('clientId' in options) {
    fail('clientId', 'was renamed: use `namespace` (storage and channel names) or `oauthClientId` (the OAuth client_id)')
  }
  const namespace = options.namespace ?? 'default'
  if (typeof namespace !== 'string' || !/^[\w.-]{1,64}$/.test(namespace)) {
    fail('namespace', `must be 1-64 letters, digits, "_", "-" or ".", got ${describe(namespace)}`)
  }
  const oauthClientId = options.oauthClientId
  if (oauthClientId !== undefined && (typeof oauthClientId !== 'string' || oauthClientId.trim() === '')) {
    fail('oauthClientId', `must be a non-empty string (the OAuth client_id), got ${describe(oauthClientId)}`)
  }
  const logoutTimeoutMs = options.logoutTimeoutMs ?? 5_000
  if (typeof logoutTimeoutMs !== 'number' || !Number.isFinite(logoutTimeoutMs) || logoutTimeoutMs < 0) {
    fail('logoutTimeoutMs', `must be a non-negative number of milliseconds, got ${describe(logoutTimeoutMs)}`)
  }
  const allowedOrigins = options.allowedOrigins ?? []
  if (!Array.isArray(allowedOrigins) || allowedOrigins.some((origin) => typeof origin !== 'string' || origin === '')) {
    fail('allowedOrigins', 'must be an array of origins or URL prefixes')
  }
  checkAllowedOrigins(allowedOrigins)
  for (const [name, value] of Object.entries(options.wireFormat ?? {})) {
    if (!(name in oauthWireFormat)) fail(`wireFormat.${name}`, 'is not a known wire format function')
    if (typeof value !== 'function') fail(`wireFormat.${name}`, 'must be a function')
  }
  const debug = options.debug
  if (debug !== undefined && typeof debug !== 'boolean' && typeof debug !== 'function') {
    fail('debug', 'must be a boolean or a function')
  }

  return {
    refreshUrl,
    loginUrl: checkUrl('loginUrl', options.loginUrl, false),
    logoutUrl: checkUrl('logoutUrl', options.logoutUrl, false),
    refreshTokenMode: mode,
    storage: checkStorage('storage', options.storage),
    persistAccessToken: checkStorage('persistAccessToken', options.persistAccessToken),
    oauthClientId,
    namespace,
    timing,
    logoutTimeoutMs,
    allowedOrigins,
    wireFormat: { ...oauthWireFormat, ...options.wireFormat },
    environment: { ...createBrowserEnvironment(), ...options.environment },
    // eslint-disable-next-line no-console
    debug: debug === true ? (event) => console.debug('[tokenlife]', event) : debug || undefined,
  }
}

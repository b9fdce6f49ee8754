import { completeEnvironment, type Environment } from './environment'
import { defaultRefreshTiming, type RefreshTiming } from './refreshTiming'
import type { StorageAdapter } from './storage/storageAdapter'
import { oauthWireFormat, type WireFormat } from './wireFormat'
import { suggestName } from './nearestName'
import { describeValue, invalidOption } from './invalidInput'
import type { AuthEvent } from './authEvents'
import type { IdleTimeout } from './idleState'

/** Options for {@link createAuthClient}. Only `refreshUrl` is required. */
export interface AuthClientOptions {
  /**
   * The token endpoint that refreshes the session (POST). Required. A relative URL is made absolute when the client
   * is created, against the document's base URL; `loginUrl` and `logoutUrl` likewise.
   */
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
  /**
   * How long before the session ends (`sessionEndsAt`, from the server's `refresh_expires_in`) the `session-ending`
   * event fires, ms; `0` for never. Default `300_000` (5 minutes).
   */
  sessionEndWarningMs?: number
  /**
   * Ends the session in every tab after a time without activity in any tab, with a warning before: made with
   * `idleTimeout({ timeoutMs, warnMs })`. Off by default.
   *
   * @example
   * ```ts
   * createAuthClient({ refreshUrl: '/auth/refresh', idle: idleTimeout({ timeoutMs: 15 * 60_000, warnMs: 60_000 }) })
   * ```
   */
  idle?: IdleTimeout
  /**
   * Absolute `http:`/`https:` origins (and URL prefixes) that may receive the access token, besides the page's origin
   * and the endpoints' origins. Used by the HTTP helpers. The unit of trust is the origin: a prefix narrows which URLs
   * get the token but is not a security boundary (a same-origin redirect keeps the header).
   */
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
  sessionEndWarningMs: number
  idle: IdleTimeout | undefined
  allowedOrigins: readonly string[]
  wireFormat: WireFormat
  environment: Environment
  debug: ((event: AuthEvent) => void) | undefined
}

/** Every option of {@link AuthClientOptions}; the type makes sure none is missing from it. */
const optionNames: Record<keyof AuthClientOptions, true> = {
  refreshUrl: true,
  loginUrl: true,
  logoutUrl: true,
  refreshToken: true,
  storage: true,
  persistAccessToken: true,
  namespace: true,
  oauthClientId: true,
  timing: true,
  logoutTimeoutMs: true,
  sessionEndWarningMs: true,
  idle: true,
  allowedOrigins: true,
  wireFormat: true,
  environment: true,
  debug: true,
}

const unknown = (option: string, value: unknown, names: readonly string[]): never => {
  throw new TypeError(`tokenlife: unknown option \`${option}\` (set to ${describeValue(value)}): ${suggestName(option.replace(/^\w+\./, ''), names)}`)
}

const hasScheme = /^[a-z][a-z\d+.-]*:/i

/**
 * Checks an endpoint URL and makes it absolute against the page's base URL as it is now, so a `<base>` element
 * injected later cannot move it. Where there is no base URL (server-side rendering), a relative URL is kept as is.
 */
function checkUrl(option: string, value: unknown, required: boolean, base: string | undefined): string | undefined {
  if (value === undefined && !required) return undefined
  if (typeof value !== 'string' || value.trim() === '') {
    return invalidOption(option, `must be a non-empty URL string, got ${describeValue(value)}; e.g. '/auth/refresh'`)
  }
  try {
    return new URL(value, base).href
  } catch {
    // A relative URL with no usable base (no document, an about:blank frame) is kept: it cannot be resolved yet.
    if (!hasScheme.test(value)) return value
    return invalidOption(option, `is not a valid URL, got ${describeValue(value)}; e.g. 'https://auth.example.com/token'`)
  }
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
    return invalidOption(option, `must be a storage adapter (get, set, remove), got ${describeValue(value)}; e.g. memoryStorage()`)
  }
  if (typeof candidate.name !== 'string' || candidate.name.trim() === '') {
    return invalidOption(`${option}.name`, `must be a non-empty string (used in warnings), got ${describeValue(candidate.name)}; add e.g. name: 'myStore'`)
  }
  return value as StorageAdapter
}

/** Validates `options.timing` over the defaults: known names, finite non-negative numbers, bounds that make sense. */
function checkTiming(given: unknown): RefreshTiming {
  const timing = { ...defaultRefreshTiming }
  if (given === undefined) return timing
  if (typeof given !== 'object' || given === null || Array.isArray(given)) {
    invalidOption('timing', `must be an object, got ${describeValue(given)}; e.g. { requestTimeoutMs: 5000 }`)
  }
  const names = Object.keys(defaultRefreshTiming)
  for (const [key, value] of Object.entries(given as object)) {
    if (key === 'jitterRatio' || key === 'maxJitterMs') {
      invalidOption(`timing.${key}`, 'was replaced by `timing.spreadRatio` in 0.2: refreshes on schedule no longer jitter; a new session\'s first refresh lands at random (see docs/core.md#refresh-timing)')
    }
    if (!(key in defaultRefreshTiming)) unknown(`timing.${key}`, value, names)
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      invalidOption(`timing.${key}`, `must be a non-negative finite number, got ${describeValue(value)}`)
    }
    timing[key as keyof RefreshTiming] = value as number
  }
  if (timing.marginRatio >= 1) invalidOption('timing.marginRatio', `must be below 1, got ${timing.marginRatio}; e.g. 0.2`)
  if (timing.spreadRatio > 1) invalidOption('timing.spreadRatio', `must be between 0 and 1, got ${timing.spreadRatio}; e.g. 0.9`)
  for (const key of ['retryBaseMs', 'requestTimeoutMs'] as const) {
    if (timing[key] === 0) invalidOption(`timing.${key}`, `must be above 0, got 0; e.g. ${defaultRefreshTiming[key]}`)
  }
  for (const [low, high] of [['minMarginMs', 'maxMarginMs'], ['retryBaseMs', 'retryMaxMs']] as const) {
    if (timing[low] > timing[high]) {
      invalidOption(`timing.${low}`, `must not exceed \`timing.${high}\` (${timing[high]}), got ${timing[low]}; lower it or raise ${high}`)
    }
  }
  return timing
}

/** Validates options once, at the boundary, and fills in every default. Throws a `TypeError` naming the option. */
export function normalizeOptions(options: AuthClientOptions): NormalizedOptions {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('tokenlife: createAuthClient(options) needs an options object with at least `refreshUrl`')
  }
  if ('clientId' in options) {
    invalidOption('clientId', 'was renamed: use `namespace` (storage and channel names) or `oauthClientId` (the OAuth client_id)')
  }
  const names = Object.keys(optionNames)
  for (const [key, value] of Object.entries(options)) {
    if (!(key in optionNames)) unknown(key, value, names)
  }
  if (options.environment !== undefined && (typeof options.environment !== 'object' || options.environment === null)) {
    invalidOption('environment', `must be an object, got ${describeValue(options.environment)}`)
  }
  const environment: Environment = completeEnvironment(options.environment)
  // Endpoints are resolved once, now, against the document's base URL (what fetch would use right now).
  const base = environment.baseUrl()
  const refreshUrl = checkUrl('refreshUrl', options.refreshUrl, true, base) as string
  const mode = options.refreshToken ?? 'cookie'
  if (mode !== 'cookie' && mode !== 'storage') invalidOption('refreshToken', `must be 'cookie' or 'storage', got ${describeValue(mode)}`)

  const timing = checkTiming(options.timing)

  const namespace = options.namespace ?? 'default'
  if (typeof namespace !== 'string' || !/^[\w.-]{1,64}$/.test(namespace)) {
    invalidOption('namespace', `must be 1-64 letters, digits, "_", "-" or ".", got ${describeValue(namespace)}`)
  }
  const oauthClientId = options.oauthClientId
  if (oauthClientId !== undefined && (typeof oauthClientId !== 'string' || oauthClientId.trim() === '')) {
    invalidOption('oauthClientId', `must be a non-empty string (the OAuth client_id), got ${describeValue(oauthClientId)}`)
  }
  const [logoutTimeoutMs, sessionEndWarningMs] = (
    [
      ['logoutTimeoutMs', 5_000],
      ['sessionEndWarningMs', 300_000],
    ] as const
  ).map(([name, fallback]) => {
    const value = options[name] ?? fallback
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      invalidOption(name, `must be a non-negative finite number, got ${describeValue(value)}; e.g. ${fallback}`)
    }
    return value
  }) as [number, number]
  const { idle } = options
  if (idle !== undefined && (typeof idle !== 'object' || idle === null || typeof (idle as Partial<IdleTimeout>).track !== 'function')) {
    invalidOption('idle', `must be made with idleTimeout(), got ${describeValue(idle)}; e.g. idle: idleTimeout({ timeoutMs: 900000 })`)
  }
  const allowedOrigins = options.allowedOrigins ?? []
  if (!Array.isArray(allowedOrigins)) {
    invalidOption('allowedOrigins', `must be an array, got ${describeValue(allowedOrigins)}; e.g. ['https://api.example.com']`)
  }
  allowedOrigins.forEach((entry, index) => {
    if (typeof entry !== 'string' || entry === '') {
      invalidOption(`allowedOrigins[${index}]`, `must be a non-empty string, got ${describeValue(entry)}`)
    }
  })
  const wireNames = Object.keys(oauthWireFormat)
  for (const [name, value] of Object.entries(options.wireFormat ?? {})) {
    if (!(name in oauthWireFormat)) unknown(`wireFormat.${name}`, value, wireNames)
    if (typeof value !== 'function') invalidOption(`wireFormat.${name}`, `must be a function, got ${describeValue(value)}`)
  }
  const debug = options.debug
  if (debug !== undefined && typeof debug !== 'boolean' && typeof debug !== 'function') {
    invalidOption('debug', `must be a boolean or a function, got ${describeValue(debug)}`)
  }

  return {
    refreshUrl,
    loginUrl: checkUrl('loginUrl', options.loginUrl, false, base),
    logoutUrl: checkUrl('logoutUrl', options.logoutUrl, false, base),
    refreshTokenMode: mode,
    storage: checkStorage('storage', options.storage),
    persistAccessToken: checkStorage('persistAccessToken', options.persistAccessToken),
    oauthClientId,
    namespace,
    timing,
    logoutTimeoutMs,
    sessionEndWarningMs,
    idle,
    allowedOrigins,
    wireFormat: { ...oauthWireFormat, ...options.wireFormat },
    environment,
    // eslint-disable-next-line no-console
    debug: debug === true ? (event) => console.debug('[tokenlife]', event) : debug || undefined,
  }
}

import { completeEnvironment, type Environment } from './environment'
import { defaultRefreshTiming, type RefreshTiming } from './refreshTiming'
import type { StorageAdapter } from './storage/storageAdapter'
import { oauthWireFormat, type WireFormat } from './wireFormat'
import { invalid } from './diagnostics/diagnostic'
import { checkDevelopmentOptions } from './optionChecks'
import type { AuthEvent } from './authEvents'
import type { IdleTimeout } from './idleState'
import type { Identity } from './tokens'

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
  /**
   * Checks the ID token of every refresh answer that carries one, before the session adopts it (`@tokenlife/oauth`
   * sets this: signature, issuer, audience, expiry, the same `sub`). Resolve to accept the answer.
   *
   * - Reject with a `SessionEndedError` to end the session: `unauthenticated`, reason `'revoked'`, storage cleared in
   *   every tab, the answer's tokens revoked at the server.
   * - Reject with anything else (say the JWKS could not be fetched) and the answer is not adopted, but the rotated
   *   refresh token in it is kept, stored before the check runs (a one-time secret: losing it would end the session
   *   at the next refresh). The session keeps its current token and the refresh is retried with backoff.
   *
   * A login's ID token is checked by whoever obtained it, before `setTokens({ idToken })`.
   */
  validateIdToken?: (check: IdTokenCheck) => Promise<void>
  /**
   * Sender-constrained tokens (DPoP, RFC 9449). `true`: the session gets its own P-256 key pair, made with Web Crypto
   * (the private key cannot be exported) and kept in IndexedDB, where every tab of the origin signs with it; a new
   * session gets a new key, and the key is deleted when the session ends. Every refresh, revocation and login, and
   * every request the HTTP helpers send with the token (`Authorization: DPoP …`), carries a proof signed with it;
   * a server's `use_dpop_nonce` is answered once and its nonce shared with the other tabs. A token is adopted only
   * when it is bound to the session's key (`cnf.jkt`, or `token_type: DPoP` for an opaque one). Where the page has no
   * Web Crypto or IndexedDB, the client fails with TL350 rather than send a bearer token. Default `false`.
   */
  dpop?: boolean
}

/** What {@link AuthClientOptions.validateIdToken} is given. */
export interface IdTokenCheck {
  /** The answer's ID token. */
  idToken: string
  /** The token endpoint's answer (status, headers, body), unread, for a validator that works on responses. */
  response: Response
  /** The ID token of the session this answer refreshes, when this tab holds it (to compare `sub`). */
  previous: Identity | undefined
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
  validateIdToken: ((check: IdTokenCheck) => Promise<void>) | undefined
  dpop: boolean
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
  validateIdToken: true,
  dpop: true,
}

const hasScheme = /^[a-z][a-z\d+.-]*:/i

/**
 * Checks an endpoint URL and makes it absolute against the page's base URL as it is now, so a `<base>` element
 * injected later cannot move it. Where there is no base URL (server-side rendering), a relative URL is kept as is.
 */
function checkUrl(option: string, value: unknown, required: boolean, base: string | undefined): string | undefined {
  if (value === undefined && !required) return undefined
  if (typeof value !== 'string' || value.trim() === '') return invalid('TL104', option, [value])
  try {
    return new URL(value, base).href
  } catch {
    // A relative URL with no usable base (no document, an about:blank frame) is kept: it cannot be resolved yet.
    if (!hasScheme.test(value)) return value
    return invalid('TL105', option, [value])
  }
}

/**
 * Validates `options.timing` over the defaults: finite non-negative numbers, bounds that make sense. In both builds:
 * a timing out of bounds would refresh or retry in a loop.
 */
function checkTiming(given: unknown): RefreshTiming {
  const timing = { ...defaultRefreshTiming }
  if (given === undefined) return timing
  if (typeof given !== 'object' || given === null || Array.isArray(given)) invalid('TL107', 'timing', [given])
  for (const [key, value] of Object.entries(given as object)) {
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) invalid('TL108', `timing.${key}`, [value])
    timing[key as keyof RefreshTiming] = value as number
  }
  if (timing.marginRatio >= 1) invalid('TL109', 'timing.marginRatio', [timing.marginRatio, 'below 1', 0.2])
  // Up to the whole interval: a new phase's first refresh then falls anywhere from now to the steady point.
  if (timing.spreadRatio > 1) invalid('TL109', 'timing.spreadRatio', [timing.spreadRatio, 'at most 1', 0.9])
  for (const key of ['retryBaseMs', 'requestTimeoutMs'] as const) {
    if (timing[key] === 0) invalid('TL110', `timing.${key}`, [0, defaultRefreshTiming[key]])
  }
  for (const [low, high] of [['minMarginMs', 'maxMarginMs'], ['retryBaseMs', 'retryMaxMs']] as const) {
    if (timing[low] > timing[high]) invalid('TL111', `timing.${low}`, [timing[low], high, timing[high]])
  }
  return timing
}

/**
 * Validates options once, at the boundary, and fills in every default. Throws a `TypeError` with a code. The
 * development build also refuses unknown names (with the nearest valid one) and checks the options that only a
 * developer can get wrong (`optionChecks.ts`); both builds check what decides where tokens go and how often the
 * server is asked: the endpoints, the refresh-token mode, the timing and `allowedOrigins`.
 */
export function normalizeOptions(options: AuthClientOptions): NormalizedOptions {
  if (typeof options !== 'object' || options === null) invalid('TL101')
  if (process.env.NODE_ENV !== 'production') checkDevelopmentOptions(options as object as Record<string, unknown>, optionNames)
  const environment: Environment = completeEnvironment(options.environment)
  // Endpoints are resolved once, now, against the document's base URL (what fetch would use right now).
  const base = environment.baseUrl()
  const refreshUrl = checkUrl('refreshUrl', options.refreshUrl, true, base) as string
  const mode = options.refreshToken ?? 'cookie'
  if (mode !== 'cookie' && mode !== 'storage') invalid('TL106', 'refreshToken', [mode])
  const { idle } = options
  // In both builds: the idle timeout decides when sessions end.
  if (idle !== undefined && (typeof idle !== 'object' || idle === null || typeof (idle as Partial<IdleTimeout>).track !== 'function')) {
    invalid('TL153', 'idle', [idle])
  }
  const allowedOrigins = options.allowedOrigins ?? []
  if (!Array.isArray(allowedOrigins)) invalid('TL115', 'allowedOrigins', [allowedOrigins])
  allowedOrigins.forEach((entry, index) => {
    if (typeof entry !== 'string' || entry === '') invalid('TL116', `allowedOrigins[${index}]`, [entry])
  })
  // Whether tokens go out bound or as bearer tokens: checked in both builds.
  if (options.dpop !== undefined && typeof options.dpop !== 'boolean') invalid('TL160', 'dpop', [options.dpop])
  const debug = options.debug
  return {
    refreshUrl,
    loginUrl: checkUrl('loginUrl', options.loginUrl, false, base),
    logoutUrl: checkUrl('logoutUrl', options.logoutUrl, false, base),
    refreshTokenMode: mode,
    storage: options.storage,
    persistAccessToken: options.persistAccessToken,
    oauthClientId: options.oauthClientId,
    namespace: options.namespace ?? 'default',
    timing: checkTiming(options.timing),
    logoutTimeoutMs: options.logoutTimeoutMs ?? 5_000,
    sessionEndWarningMs: options.sessionEndWarningMs ?? 300_000,
    idle,
    allowedOrigins,
    wireFormat: { ...oauthWireFormat, ...options.wireFormat },
    environment,
    // eslint-disable-next-line no-console
    debug: debug === true ? (event) => console.debug('[tokenlife]', event) : debug || undefined,
    validateIdToken: options.validateIdToken,
    dpop: options.dpop === true,
  }
}

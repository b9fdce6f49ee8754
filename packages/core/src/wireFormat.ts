import type { TokenResponse } from './tokens'

/** A request tokenlife is about to send: the URL and the `fetch` init. */
export interface WireRequest {
  /** Where the request goes (absolute). */
  url: string
  /** The `fetch` init: method, headers, body, credentials. tokenlife adds the `signal`. */
  init: RequestInit
}

/** What a refresh request is built from. */
export interface RefreshRequestContext {
  /** `refreshUrl`, made absolute when the client was created. */
  url: string
  /** The stored refresh token (storage mode); `undefined` in cookie mode, where the browser sends the cookie. */
  refreshToken: string | undefined
  /** The OAuth `client_id` (option `oauthClientId`), or `undefined` when it is not set. */
  clientId: string | undefined
}

/** What a login request is built from. */
export interface LoginRequestContext {
  /** `loginUrl`, made absolute when the client was created. */
  url: string
  /** Whatever the app passed to `login()`. */
  credentials: unknown
  /** `'storage'` when the SDK needs the refresh token in the response body. */
  refreshTokenMode: 'cookie' | 'storage'
}

/** What a logout (revocation) request is built from. */
export interface LogoutRequestContext {
  /** `logoutUrl`, made absolute when the client was created. */
  url: string
  /** The refresh token to revoke (storage mode); `undefined` in cookie mode, where the backend holds it. */
  refreshToken: string | undefined
  /** The access token of the session that ended. The default format does not send it (add a header if you need). */
  accessToken: string | undefined
  /** The OAuth `client_id` (option `oauthClientId`), or `undefined` when it is not set. */
  clientId: string | undefined
  /** Whether to revoke every session of the user. */
  everywhere: boolean
}

/** An error body, normalised. */
export interface ErrorBody {
  /** The OAuth `error` code (RFC 6749 §5.2), e.g. `'invalid_grant'`. */
  error?: string
  /** The server's `error_description`. */
  description?: string
}

/**
 * How tokenlife talks to the auth server. The default speaks OAuth 2.0 for a public client: the RFC 6749 refresh
 * grant and RFC 7009 revocation, each with `client_id` when `oauthClientId` is set, and no `Authorization` header.
 * Replace any part to fit another server.
 *
 * @example
 * ```ts
 * createAuthClient({
 *   refreshUrl: '/api/session/refresh',
 *   wireFormat: {
 *     // a server that answers { token, ttl }
 *     parseTokenResponse: (body) => {
 *       const { token, ttl } = body as { token: string; ttl: number }
 *       return { accessToken: token, expiresIn: ttl }
 *     },
 *   },
 * })
 * ```
 */
export interface WireFormat {
  /**
   * Builds the refresh request (default: `grant_type=refresh_token`, a form POST). May resolve later (look an
   * endpoint up, sign a proof): it is built holding the refresh lock, before anything is sent, and a rejection is a
   * failed refresh (retried when the error is transient).
   */
  buildRefreshRequest(context: RefreshRequestContext): WireRequest | Promise<WireRequest>
  /** Builds the login request (default: the credentials as JSON). */
  buildLoginRequest(context: LoginRequestContext): WireRequest
  /**
   * Builds the revocation request (default: RFC 7009, a form POST without `Authorization`). May resolve later; a
   * rejection is a failed revocation (`revocation-failed`).
   */
  buildLogoutRequest(context: LogoutRequestContext): WireRequest | Promise<WireRequest>
  /** Reads a success body (already parsed as JSON); throw to reject it as malformed. */
  parseTokenResponse(body: unknown): TokenResponse
  /** Reads an error body that parsed as JSON (empty and non-JSON bodies are never passed here). */
  parseErrorResponse(body: unknown): ErrorBody
}

const formHeaders = { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' }

const readString = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined)

/**
 * Cookies go along only when a cookie carries the refresh token (cookie mode: the request has none in its body).
 * A request that carries the token itself needs no cookie, and an OAuth server on another origin answers CORS
 * without `Access-Control-Allow-Credentials`, which would make a credentialed request fail in the browser.
 */
const credentialsFor = (refreshToken: string | undefined): RequestCredentials => (refreshToken === undefined ? 'include' : 'same-origin')

/**
 * The OAuth 2.0 wire format tokenlife uses unless told otherwise: a {@link WireFormat} whose requests are built at once
 * (its builders return the {@link WireRequest}, not a promise), so a wire format of your own can build on them.
 *
 * @example
 * ```ts
 * // the token endpoint looked up when the refresh is built
 * const wireFormat: Partial<WireFormat> = {
 *   buildRefreshRequest: async (context) => oauthWireFormat.buildRefreshRequest({ ...context, url: await tokenEndpoint() }),
 * }
 * ```
 */
export const oauthWireFormat: Omit<WireFormat, 'buildRefreshRequest' | 'buildLogoutRequest'> & {
  /** The RFC 6749 refresh grant: a form POST of `grant_type=refresh_token`, the refresh token and `client_id`. */
  buildRefreshRequest(context: RefreshRequestContext): WireRequest
  /** RFC 7009 revocation: a form POST of `token`, `token_type_hint` and `client_id`, without `Authorization`. */
  buildLogoutRequest(context: LogoutRequestContext): WireRequest
} = {
  buildRefreshRequest: ({ url, refreshToken, clientId }) => {
    const body = new URLSearchParams({ grant_type: 'refresh_token' })
    if (refreshToken !== undefined) body.set('refresh_token', refreshToken)
    // RFC 6749 §3.2.1 and §6: a public client identifies itself with client_id.
    if (clientId !== undefined) body.set('client_id', clientId)
    return { url, init: { method: 'POST', headers: formHeaders, body, credentials: credentialsFor(refreshToken) } }
  },
  buildLoginRequest: ({ url, credentials, refreshTokenMode }) => ({
    url,
    init: {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        Accept: 'application/json',
        ...(refreshTokenMode === 'storage' ? { 'X-Refresh-Token-Mode': 'storage' } : {}),
      },
      body: JSON.stringify(credentials),
      credentials: 'include',
    },
  }),
  // RFC 7009: `token` (the refresh token; in cookie mode the backend revokes the cookie it holds), a hint, and the
  // public client's client_id. No bearer header: a standard server reads one as client authentication and refuses.
  buildLogoutRequest: ({ url, refreshToken, clientId, everywhere }) => {
    const body = new URLSearchParams()
    if (refreshToken !== undefined) body.set('token', refreshToken)
    body.set('token_type_hint', 'refresh_token')
    if (clientId !== undefined) body.set('client_id', clientId)
    if (everywhere) body.set('everywhere', 'true')
    return { url, init: { method: 'POST', headers: formHeaders, body, credentials: credentialsFor(refreshToken) } }
  },
  parseTokenResponse: (body) => {
    if (typeof body !== 'object' || body === null) throw new Error('body is not a JSON object')
    const fields = body as Record<string, unknown>
    const accessToken = readString(fields.access_token)
    if (!accessToken) throw new Error('no access_token')
    // `null` means absent (the JWT `exp` decides); `Number(null)` would be 0, a token to refresh again at once.
    const expiresIn = fields.expires_in == null ? undefined : Number(fields.expires_in)
    if (expiresIn !== undefined && !Number.isFinite(expiresIn)) throw new Error('expires_in is not a number')
    // When the session ends. Informational: a value that is not a positive number (Keycloak sends 0 for "never")
    // is taken as not said, rather than failing a refresh over it.
    const refreshExpiresIn = Number(fields.refresh_expires_in ?? Number.NaN)
    return {
      accessToken,
      refreshToken: readString(fields.refresh_token),
      expiresIn,
      ...(Number.isFinite(refreshExpiresIn) && refreshExpiresIn > 0 ? { refreshExpiresIn } : {}),
      idToken: readString(fields.id_token),
      tokenType: readString(fields.token_type),
    }
  },
  parseErrorResponse: (body) => {
    if (typeof body !== 'object' || body === null) return {}
    const fields = body as Record<string, unknown>
    return { error: readString(fields.error), description: readString(fields.error_description) }
  },
}

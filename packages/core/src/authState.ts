/**
 * Why a client is `unauthenticated`.
 *
 * - `'no_session'`: {@link AuthClient.start} found no session to restore (never signed in, or the refresh
 *   token or cookie is gone).
 * - `'logout'`: this tab or another tab called {@link AuthClient.logout}.
 * - `'revoked'`: the server refused the refresh token (`invalid_grant`, or a 401 without a body): it was
 *   revoked, reused, or the user's token version changed.
 * - `'idle'`: nobody used any tab for the idle timeout (`idleTimeout()`): the session was logged out.
 */
export type UnauthenticatedReason = 'no_session' | SessionEndReason

/** How a session that existed ended: a logout (here or in another tab), the server's refusal, or inactivity. */
export type SessionEndReason = 'logout' | 'revoked' | 'idle'

/** Whether `value` is a {@link SessionEndReason} (for what tabs read from each other). */
export const isSessionEndReason = (value: unknown): value is SessionEndReason =>
  value === 'logout' || value === 'revoked' || value === 'idle'

/** Claims decoded from a JWT access token (an empty object for opaque tokens). */
export type TokenClaims = Record<string, unknown> & {
  /** The subject: the user's id at the server. */
  sub?: string
  /** Expiry, epoch seconds on the server's clock. */
  exp?: number
  /** Issue time, epoch seconds on the server's clock. */
  iat?: number
}

/**
 * Claims of the session's OpenID Connect ID token (see {@link AuthenticatedState.user}): who is signed in. The
 * standard claims are typed; a provider may add any other.
 */
export type UserClaims = TokenClaims & {
  /** The subject: the user's id at the provider, stable for this client. */
  sub: string
  /** The issuer: the provider that signed the ID token. */
  iss?: string
  /** The audience: this client's `client_id` (and possibly others). */
  aud?: string | string[]
  /** The user's full name, for display. */
  name?: string
  /** The user's given (first) name. */
  given_name?: string
  /** The user's family (last) name. */
  family_name?: string
  /** The name the user goes by at the provider (not necessarily unique: use `sub` as the id). */
  preferred_username?: string
  /** The user's email address. */
  email?: string
  /** Whether the provider verified `email`. */
  email_verified?: boolean
  /** The URL of the user's profile picture. */
  picture?: string
  /** The user's locale, a BCP 47 tag such as `fr-CA`. */
  locale?: string
}

/** The client before it knows whether there is a session. */
export interface InitializingState {
  /** The client does not know yet whether there is a session. */
  readonly status: 'initializing'
  /** The last transient failure while restoring the session, if any: the client keeps retrying. */
  readonly error?: Error
  /** No token yet. */
  readonly accessToken?: undefined
  /** No claims yet. */
  readonly claims?: undefined
  /** No expiry yet. */
  readonly expiresAt?: undefined
  /** No session end yet. */
  readonly sessionEndsAt?: undefined
  /** Not signed out either. */
  readonly reason?: undefined
  /** No user yet. */
  readonly user?: undefined
  /** No ID token yet. */
  readonly idToken?: undefined
}

/** The client holds an access token. */
export interface AuthenticatedState {
  /** The client holds an access token. */
  readonly status: 'authenticated'
  /** The current access token. */
  readonly accessToken: string
  /** Claims decoded from {@link AuthenticatedState.accessToken} (empty for an opaque token). */
  readonly claims: TokenClaims
  /** When the access token expires, in this device's epoch milliseconds, corrected for server clock skew. */
  readonly expiresAt: number
  /**
   * When the session ends, in this device's epoch milliseconds, if the server said (`refresh_expires_in` in the
   * token response): from then on it refuses the refresh token, and the user must sign in again. A
   * `session-ending` event fires `sessionEndWarningMs` before it.
   */
  readonly sessionEndsAt?: number
  /** The last transient refresh failure, if any; cleared by the next successful refresh. */
  readonly error?: Error
  /** Signed in: no reason to be signed out. */
  readonly reason?: undefined
  /**
   * Who is signed in: the claims of the session's OpenID Connect ID token, when it has one (`@tokenlife/oauth`
   * validates it; a refresh that returns a new one replaces it, one without keeps it). Shared with the other tabs like
   * the session. `undefined` for a session without an ID token.
   */
  readonly user?: UserClaims
  /** The session's ID token itself (e.g. the `id_token_hint` of an RP-initiated logout), when it has one. */
  readonly idToken?: string
}

/** The client holds no session. */
export interface UnauthenticatedState {
  /** The client holds no session. */
  readonly status: 'unauthenticated'
  /** Why there is no session. */
  readonly reason: UnauthenticatedReason
  /** No token. */
  readonly accessToken?: undefined
  /** No claims. */
  readonly claims?: undefined
  /** No expiry. */
  readonly expiresAt?: undefined
  /** No session end. */
  readonly sessionEndsAt?: undefined
  /** No pending failure: the session is over. */
  readonly error?: undefined
  /** No user. */
  readonly user?: undefined
  /** No ID token. */
  readonly idToken?: undefined
}

/**
 * A snapshot of the session. {@link AuthClient.getState} returns the same object until the state changes, so it
 * can be compared by identity (and fed to `useSyncExternalStore`).
 */
export type AuthState = InitializingState | AuthenticatedState | UnauthenticatedState

/** Every {@link AuthState} status. */
export type AuthStatus = AuthState['status']

/**
 * The name of every field an {@link AuthState} has (`status`, `accessToken`, `claims`, `expiresAt`, `sessionEndsAt`,
 * `reason`, `error`, `user`, `idToken`). Every state declares all of them, those it does not hold as `undefined`, so a
 * binding can expose each one without checking the status first.
 *
 * @example
 * ```ts
 * const describe = (state: AuthState, field: AuthStateField) => `${field}: ${String(state[field])}`
 * ```
 */
export type AuthStateField = keyof AuthState

/**
 * The state to render on the server and during hydration, whatever the client holds: `{ status: 'initializing' }`.
 * The client never starts on the server, so the server HTML and the first browser render agree; the browser then
 * renders `getState()`. One frozen object, the same for every caller, so it can be compared by identity. The React
 * and Vue bindings use it; a binding of your own should too.
 *
 * @example
 * ```ts
 * const state = typeof window === 'undefined' ? serverState : auth.getState()
 * ```
 */
export const serverState: InitializingState = /* @__PURE__ */ Object.freeze({ status: 'initializing' })

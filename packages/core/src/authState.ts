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
  sub?: string
  exp?: number
  iat?: number
}

/** The client before it knows whether there is a session. */
export interface InitializingState {
  readonly status: 'initializing'
  /** The last transient failure while restoring the session, if any: the client keeps retrying. */
  readonly error?: Error
  readonly accessToken?: undefined
  readonly claims?: undefined
  readonly expiresAt?: undefined
  readonly sessionEndsAt?: undefined
  readonly reason?: undefined
}

/** The client holds an access token. */
export interface AuthenticatedState {
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
  readonly reason?: undefined
}

/** The client holds no session. */
export interface UnauthenticatedState {
  readonly status: 'unauthenticated'
  /** Why there is no session. */
  readonly reason: UnauthenticatedReason
  readonly accessToken?: undefined
  readonly claims?: undefined
  readonly expiresAt?: undefined
  readonly sessionEndsAt?: undefined
  readonly error?: undefined
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
 * `reason`, `error`). Every state declares all of them, those it does not hold as `undefined`, so a binding can expose each
 * one without checking the status first.
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

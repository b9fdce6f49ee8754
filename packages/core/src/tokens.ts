import { jwtDecode } from 'jwt-decode'
import type { TokenClaims, UserClaims } from './authState'

/** Tokens as the server handed them over (wire-format independent). */
export interface TokenResponse {
  /** The access token: a JWT (its claims are decoded) or an opaque string. */
  accessToken: string
  /** A new refresh token (storage mode with rotation); absent in cookie mode. */
  refreshToken?: string
  /** Access-token lifetime in seconds, relative to the response. */
  expiresIn?: number
  /**
   * How long the session can still be refreshed, in seconds from the response (`refresh_expires_in`): when the
   * server will refuse the refresh token, however often it rotates. Absent when the server does not say.
   */
  refreshExpiresIn?: number
  /** An OpenID Connect ID token (the answer's `id_token`), when the server sent one. */
  idToken?: string
  /**
   * The answer's `token_type` (`'Bearer'`, `'DPoP'`). With `dpop: true` an opaque access token is adopted only when
   * it is `DPoP` (RFC 9449 §5), and a token of any other type never is.
   */
  tokenType?: string
}

/** The session's OpenID Connect ID token and its decoded claims (`state.user`). */
export interface Identity {
  /** The ID token, as the provider issued it (a JWT). */
  idToken: string
  /** Its claims, decoded (`state.user`). */
  user: UserClaims
}

/** An access token with everything tokenlife derived from it, in this device's time. */
export interface AccessTokenInfo {
  accessToken: string
  claims: TokenClaims
  /** When it expires, device epoch ms, corrected for server clock skew. */
  expiresAt: number
  /** How long it was valid for when issued, ms. */
  lifetimeMs: number
  /** When the session ends (the server refuses the refresh token from then on), device epoch ms, if it said. */
  sessionEndsAt?: number
  /** The session's ID token, when it has one (a refresh without one keeps the session's last). */
  identity?: Identity
  /** With `dpop: true`: the thumbprint of the DPoP key the token is bound to. */
  dpopJkt?: string
}

/**
 * Decodes a JWT's payload, or returns `undefined` for a token that is not a JWT (opaque tokens are allowed).
 * Throws when the token looks like a JWT (three dot-separated parts) but cannot be decoded.
 */
export function decodeClaims(accessToken: string): TokenClaims | undefined {
  if (accessToken.split('.').length !== 3) return undefined
  const claims = jwtDecode<TokenClaims>(accessToken)
  if (typeof claims !== 'object' || claims === null) throw new Error('JWT payload is not an object')
  return claims
}

/**
 * The {@link Identity} an ID token gives, or `undefined` when it does not decode as a JWT. Decoding is not validation:
 * whoever obtained the ID token validates it (`@tokenlife/oauth` does, and checks every refreshed one through the
 * `validateIdToken` option).
 */
export function readIdentity(idToken: string): Identity | undefined {
  try {
    const user = decodeClaims(idToken)
    return user && { idToken, user: user as UserClaims }
  } catch {
    return undefined
  }
}

/** `token` with the identity `idToken` gives (none when it is absent or does not decode). */
export function withIdentity(token: AccessTokenInfo, idToken: string | undefined): AccessTokenInfo {
  const identity = idToken === undefined ? undefined : readIdentity(idToken)
  return identity ? { ...token, identity } : token
}

/**
 * Works out when an access token expires on this device's clock. `expires_in` is relative, so it needs no clock
 * correction and wins when present; otherwise the JWT `exp` is converted with the server clock offset.
 * Returns `undefined` when neither is known.
 */
export function describeAccessToken(
  accessToken: string,
  claims: TokenClaims | undefined,
  expiresIn: number | undefined,
  receivedAt: number,
  clockOffsetMs: number,
): AccessTokenInfo | undefined {
  const safeClaims = claims ?? {}
  let expiresAt: number
  if (typeof expiresIn === 'number' && Number.isFinite(expiresIn) && expiresIn >= 0) {
    expiresAt = receivedAt + expiresIn * 1000
  } else if (typeof safeClaims.exp === 'number' && Number.isFinite(safeClaims.exp)) {
    expiresAt = safeClaims.exp * 1000 - clockOffsetMs
  } else {
    return undefined
  }
  const issuedAt =
    typeof safeClaims.iat === 'number' && typeof safeClaims.exp === 'number' && expiresIn === undefined
      ? expiresAt - (safeClaims.exp - safeClaims.iat) * 1000
      : receivedAt
  return { accessToken, claims: safeClaims, expiresAt, lifetimeMs: Math.max(0, expiresAt - issuedAt) }
}

/**
 * The token a token response gives, as a session holds it: its expiry on this device's clock (see
 * {@link describeAccessToken}; the caller checked that one is known), when the session ends if the server said
 * (`refresh_expires_in`), the DPoP key it is bound to (`dpopJkt`, checked by the caller), and its identity.
 */
export function tokenOfResponse(
  token: TokenResponse,
  claims: TokenClaims | undefined,
  receivedAt: number,
  clockOffsetMs: number,
  dpopJkt: string | undefined,
): AccessTokenInfo {
  const info = describeAccessToken(token.accessToken, claims, token.expiresIn, receivedAt, clockOffsetMs)!
  const { refreshExpiresIn } = token
  const timed = typeof refreshExpiresIn === 'number' && refreshExpiresIn > 0 ? { ...info, sessionEndsAt: receivedAt + refreshExpiresIn * 1000 } : info
  return withIdentity(dpopJkt === undefined ? timed : { ...timed, dpopJkt }, token.idToken)
}

/**
 * Whether a token still has `minValidityMs` left. The margin is never more than a quarter of the token's lifetime,
 * so very short-lived tokens are not refreshed on every call.
 */
export function isFresh(token: { expiresAt: number; lifetimeMs?: number }, minValidityMs: number, now: number): boolean {
  const margin = token.lifetimeMs === undefined ? minValidityMs : Math.min(minValidityMs, token.lifetimeMs / 4)
  return token.expiresAt - margin > now
}

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
  /** An OpenID Connect ID token (the answer's `id_token`), when the server sent one. */
  idToken?: string
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
  /** The session's ID token, when it has one (a refresh without one keeps the session's last). */
  identity?: Identity
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
 * Whether a token still has `minValidityMs` left. The margin is never more than a quarter of the token's lifetime,
 * so very short-lived tokens are not refreshed on every call.
 */
export function isFresh(token: { expiresAt: number; lifetimeMs?: number }, minValidityMs: number, now: number): boolean {
  const margin = token.lifetimeMs === undefined ? minValidityMs : Math.min(minValidityMs, token.lifetimeMs / 4)
  return token.expiresAt - margin > now
}

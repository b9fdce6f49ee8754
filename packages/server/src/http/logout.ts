import type { Issuer } from '../issuer'
import type { AuthEvent } from '../stats'
import type { AccessTokenClaims } from '../tokens/accessTokens'
import type { Verifier } from '../verifier'
import { bearerToken } from './body'
import { readCookie } from './cookies'
import { HttpError, jsonResponse } from './httpError'

/** What {@link logout} needs from the handler. */
export interface LogoutContext {
  issuer: Issuer
  verifier: Verifier
  cookieName: string
  emit: (event: AuthEvent) => void
  clearCookie: (request: Request) => string
  /** DPoP: the key of the request's proof (a refresh token bound to a key is revoked only with that key's proof). */
  keyOf(request: Request): Promise<string | undefined>
}

/**
 * Logout (RFC 7009-style: `200 {}` whatever the token). It ends the session of the presented refresh token (form
 * `token`, else the cookie) and denies the presented access tokens. A refresh token that was already rotated is a
 * replay, treated as reuse: its whole family is revoked, as the refresh endpoint would.
 *
 * `everywhere` ends every session of the user, and needs a **current** credential: a refresh token that would
 * refresh now, or a valid access token at the user's current token version. Without one, only the single-session
 * part is done and the answer is `400 invalid_grant`.
 */
export async function logout(
  context: LogoutContext,
  request: Request,
  form: Map<string, string>,
  everywhere: boolean,
  proven?: { claims: AccessTokenClaims; jkt?: string },
): Promise<Response> {
  const { issuer, verifier, emit } = context
  const provenUsers = new Set<string>()
  const denyAndProve = async (claims: AccessTokenClaims) => {
    await issuer.denyAccessToken(claims)
    if ((await issuer.currentTokenVersion(claims.sub)) === claims.ver) provenUsers.add(claims.sub)
  }
  const presented = form.get('token') ?? readCookie(request, context.cookieName)
  if (presented) {
    if (presented.split('.').length === 3) {
      // An access token passed as `token` (token_type_hint=access_token): deny it.
      const verified = await verifier.verify(presented)
      if (verified.ok) await denyAndProve(verified.claims)
    } else {
      let token = await issuer.inspectRefreshToken(presented)
      // DPoP: a refresh token bound to a key is revoked by its holder only, who proves the key (a copy is useless).
      if (token.status !== 'unknown' && token.jkt !== undefined && token.jkt !== (proven ? proven.jkt : await context.keyOf(request))) {
        token = { status: 'unknown' }
      }
      if (token.status === 'current') {
        await issuer.revokeFamily(token.familyId, everywhere ? 'logout everywhere' : 'logout')
        provenUsers.add(token.userId)
      } else if (token.status === 'rotated') {
        await issuer.revokeFamily(token.familyId, 'refresh token reuse (logout with a rotated token)')
      }
    }
  }
  const bearer = proven ? { ok: true as const, claims: proven.claims } : await verifier.verify(bearerToken(request))
  if (bearer.ok) await denyAndProve(bearer.claims)
  const headers = { 'Set-Cookie': context.clearCookie(request) }
  if (everywhere && provenUsers.size === 0) {
    emit({ type: 'logout', everywhere: false })
    throw new HttpError(
      400,
      'invalid_grant',
      'logging out everywhere needs a current refresh token or a valid access token; only this session was ended',
      headers,
    )
  }
  if (everywhere) for (const userId of provenUsers) await issuer.endAllSessions(userId, 'logout everywhere')
  emit({ type: 'logout', everywhere })
  return jsonResponse({}, 200, headers)
}

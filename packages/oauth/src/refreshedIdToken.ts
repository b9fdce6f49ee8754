import { SessionEndedError, type IdTokenCheck } from '@tokenlife/core'
import type { ProviderMetadata } from './discovery'
import type { OAuthEnvironment } from './environment'
import { IdTokenError } from './errors'
import { idTokenFailure } from './idTokenFailure'
import { clientFor, loadProtocol, requestOptions } from './protocol'

/**
 * The core's `validateIdToken` for this client: every ID token a refresh returns is validated like the sign-in's
 * (oauth4webapi: `iss`, `aud`, `azp`, `exp`, `iat`; then the signature from the JWKS), and must name the same user.
 *
 * - A token that fails a check, or names another `sub`, ends the session: a `SessionEndedError` (reason `revoked`,
 *   OAuth error `invalid_id_token`) whose `cause` is the {@link IdTokenError}.
 * - A failure to check at all (metadata or JWKS unreachable, a key not in the cached JWKS yet) is passed on as it is:
 *   the core keeps the session and the rotated refresh token, and retries.
 */
export function refreshedIdTokenValidator(
  metadata: () => Promise<ProviderMetadata>,
  { clientId, env }: { clientId: string; env: OAuthEnvironment },
): (check: IdTokenCheck) => Promise<void> {
  return async ({ response, previous }) => {
    const [o, as] = await Promise.all([loadProtocol(), metadata()])
    let refused: IdTokenError | undefined
    try {
      const tokens = await o.processRefreshTokenResponse(as, clientFor(o, clientId, response), response)
      await o.validateApplicationLevelSignature(as, response, requestOptions(o, env, as.issuer))
      const sub = o.getValidatedIdTokenClaims(tokens)?.sub
      if (previous !== undefined && sub !== previous.user.sub) refused = new IdTokenError('sub')
    } catch (error) {
      const failure = idTokenFailure(o, error)
      // A key the cached JWKS does not hold may be a rotation: the retry fetches the key set again.
      if (!failure || (failure.check === 'signature' && (error as { code?: unknown }).code === o.KEY_SELECTION)) throw error
      refused = failure
    }
    if (refused) {
      throw new SessionEndedError('revoked', { error: 'invalid_id_token', description: refused.message, cause: refused })
    }
  }
}

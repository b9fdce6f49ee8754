import { isTokenlifeError } from '@tokenlife/core'
import { IdTokenError, type IdTokenCheckName } from './errors'
import type { Protocol } from './protocol'

const claimChecks = new Set<IdTokenCheckName>(['iss', 'aud', 'azp', 'exp', 'iat', 'nbf', 'nonce', 'auth_time', 'sub'])

/**
 * What an oauth4webapi failure while validating an ID token means: an {@link IdTokenError} naming the check, or
 * `undefined` when the failure is not about the ID token (the body, the transport). oauth4webapi did the checks;
 * this only reads which one failed from the error it raised (`code`, `cause.claim`, the JWS header it rejected).
 */
export function idTokenFailure(o: Protocol, error: unknown): IdTokenError | undefined {
  if (isTokenlifeError(error)) return undefined
  if (error instanceof o.UnsupportedOperationError) {
    // An `alg` oauth4webapi does not verify (`none`, HMAC): the token is not signed by the provider.
    return /alg|JWS/.test(error.message) ? new IdTokenError('alg', { cause: error }) : undefined
  }
  if (!(error instanceof o.OperationProcessingError)) return undefined
  const cause = error.cause as { claim?: unknown; header?: unknown } | undefined
  const claim = typeof cause?.claim === 'string' ? (cause.claim as IdTokenCheckName) : undefined
  if ((error.code === o.JWT_CLAIM_COMPARISON || error.code === o.JWT_TIMESTAMP_CHECK) && claim && claimChecks.has(claim)) {
    return new IdTokenError(claim, { cause: error })
  }
  if (error.code === o.KEY_SELECTION || /signature/i.test(error.message)) return new IdTokenError('signature', { cause: error })
  if (/"alg"/.test(error.message)) return new IdTokenError('alg', { cause: error })
  if (/ID Token "aud"/.test(error.message)) return new IdTokenError('aud', { cause: error })
  if (/JWT|JWS/.test(error.message)) {
    // A required claim is missing (`iat`, `sub`, …), or the token does not parse.
    const missing = /JWT "(\w+)"/.exec(error.message)?.[1] as IdTokenCheckName | undefined
    return new IdTokenError(missing && claimChecks.has(missing) ? missing : 'malformed', { cause: error })
  }
  if (/"id_token"/.test(error.message)) return new IdTokenError('missing', { cause: error })
  return undefined
}

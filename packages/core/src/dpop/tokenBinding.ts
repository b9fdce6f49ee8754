import type { TokenClaims } from '../authState'
import type { BindingProblem } from './dpop'

/**
 * Whether an access token is bound to the DPoP key `jkt` (RFC 9449 §6): a JWT by its `cnf.jkt`; an opaque token, which
 * cannot be read, by the answer's `token_type: DPoP` (`tokenType`; `'trusted'` where a tab that read the answer vouches
 * for it). A `token_type` other than DPoP is a token the server did not bind, whatever it looks like. Returns the
 * problem, or `undefined` when it is bound.
 */
export function bindingProblem(claims: TokenClaims | undefined, tokenType: string | undefined, jkt: string): BindingProblem | undefined {
  if (tokenType !== undefined && tokenType !== 'trusted' && tokenType.toLowerCase() !== 'dpop') {
    return { code: 'TL250', problem: `token_type is ${tokenType}, not DPoP: the server did not bind the token to the key` }
  }
  if (claims !== undefined) {
    const cnf = (claims.cnf as { jkt?: unknown } | undefined)?.jkt
    if (cnf === undefined) return { code: 'TL250', problem: 'the access token has no cnf.jkt: the server did not bind it to the key' }
    return cnf === jkt ? undefined : { code: 'TL251', problem: 'the access token is bound to another key (cnf.jkt)' }
  }
  return tokenType === undefined ? { code: 'TL250', problem: 'an opaque access token without token_type DPoP' } : undefined
}

import { checkDpopProof } from '../dpop/dpopProof'
import type { DpopNonces } from '../dpop/dpopNonces'
import type { AuthStore } from '../store/authStore'
import { HttpError } from './httpError'
import { requestOrigin, type ProxySetting } from './requestOrigin'

/** How {@link createAuthHandler}'s token endpoints take DPoP proofs (RFC 9449). */
export interface HandlerDpopOptions {
  /** Refuse logins and refreshes without a proof (`400 invalid_dpop_proof`): every session is bound. Default: false. */
  required?: boolean
  /**
   * Server nonces (the same {@link DpopNonces} as the verifiers', on every instance the same secret): every proof must
   * carry a current one (else `400 use_dpop_nonce` with `DPoP-Nonce`), and every token response says the next one.
   */
  nonces?: DpopNonces
  /** How far a proof's `iat` may be from now, seconds. Default: 60. */
  maxAgeSeconds?: number
}

/**
 * The DPoP proofs of the token endpoints (login, refresh, logout): the key a request's proof was signed with, checked
 * against the URL the client called (behind a trusted proxy, the public one), its `jti` kept in the store so a proof
 * is used once across every instance.
 */
export function tokenEndpointProofs(options: HandlerDpopOptions | undefined, store: AuthStore, now: () => number, proxy: ProxySetting) {
  const nonceHeader = (): Record<string, string> => (options?.nonces ? { 'DPoP-Nonce': options.nonces.current() } : {})
  return {
    /** For every token response: the next nonce, when nonces are on. */
    nonceHeader,
    /**
     * The thumbprint of the key the request's proof was signed with; `undefined` without a proof (unless one is
     * required). A bad proof, or one without the current nonce, is a 400 whose `error` says which.
     */
    async keyOf(request: Request): Promise<string | undefined> {
      if (!request.headers.has('dpop') && !options?.required) return undefined
      const url = `${requestOrigin(request, proxy) ?? new URL(request.url).origin}${new URL(request.url).pathname}`
      const firstUse = (id: string, expiresAt: number) => store.useDpopProof(id, expiresAt)
      const result = await checkDpopProof(request, { url, firstUse, nonces: options?.nonces, maxAgeSeconds: options?.maxAgeSeconds, now })
      if (!result.ok) throw new HttpError(400, result.error, result.description, nonceHeader())
      return result.jkt
    },
  }
}

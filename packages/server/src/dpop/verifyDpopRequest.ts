import type { VerifyResult } from '../verifyResult'
import { checkDpopProof } from './dpopProof'
import type { DpopNonces } from './dpopNonces'

/** How a {@link Verifier} checks DPoP proofs. */
export interface VerifierDpopOptions {
  /** Refuse bearer tokens: every request must carry a DPoP-bound token and its proof. Default: false. */
  required?: boolean
  /** Server nonces: a proof must carry a current one (else 401 `use_dpop_nonce` with `DPoP-Nonce`). Default: none. */
  nonces?: DpopNonces
  /** How far a proof's `iat` may be from now, seconds. Default: 60. */
  maxAgeSeconds?: number
  /**
   * Where proofs' ids are kept to refuse a replay: `'store'` (default) in the shared store, so a proof replayed to
   * another instance is refused too (one store round trip per request); `'process'` in this process only.
   */
  replay?: 'store' | 'process'
  /** The URL the client called, when a proxy in front changes it (the proof's `htu` names the public one). */
  publicUrl?: (request: Request) => string
}

/** A replay cache of one process: proof ids until they expire. */
export function processReplayCache(): (id: string, expiresAt: number) => Promise<boolean> {
  const seen = new Map<string, number>()
  return async (id, expiresAt) => {
    if (seen.has(id)) return false
    if (seen.size > 10_000) for (const [known, until] of seen) if (until <= Date.now()) seen.delete(known)
    seen.set(id, expiresAt)
    return true
  }
}

/** Quoted for an auth-param (no quote or backslash inside). */
const quoted = (text: string) => `"${text.replace(/["\\]/g, '')}"`

/**
 * {@link Verifier.verifyRequest}: the token of `Authorization: Bearer` or `Authorization: DPoP`, checked by
 * `verifyToken` (signature, claims, revocation), and for `DPoP` the request's proof by the key the token is bound to.
 * Refusals carry the challenge (RFC 9449 §7.1: `WWW-Authenticate: DPoP error=…`, `DPoP-Nonce` for a nonce).
 */
export async function verifyDpopRequest(
  request: Request,
  options: VerifierDpopOptions & { now: () => number; configured: boolean },
  verifyToken: (token: string | undefined) => Promise<VerifyResult>,
  firstUse: (id: string, expiresAt: number) => Promise<boolean>,
): Promise<VerifyResult> {
  const match = /^(Bearer|DPoP) +([A-Za-z0-9\-._~+/]+=*)\s*$/i.exec(request.headers.get('authorization') ?? '')
  const scheme = match?.[1]!.toLowerCase()
  const token = match?.[2]
  const nonce: Record<string, string> = options.nonces ? { 'DPoP-Nonce': options.nonces.current() } : {}
  const refuse = (error: string, description: string, reason: 'invalid' | 'expired' | 'revoked' = 'invalid'): VerifyResult => {
    const dpop = `DPoP error=${quoted(error)}, error_description=${quoted(description)}, algs="ES256 EdDSA"`
    const bearer = `Bearer error=${quoted(error)}, error_description=${quoted(description)}`
    // A server that takes DPoP says so in its Bearer challenge too (RFC 9449 §7.1); one without `dpop` options does not.
    const challenge = options.required || scheme === 'dpop' ? dpop : options.configured ? `${bearer}, DPoP algs="ES256 EdDSA"` : bearer
    return { ok: false, reason, description, status: 401, headers: { 'WWW-Authenticate': challenge, ...nonce } }
  }
  if (scheme === 'bearer' && options.required) return refuse('invalid_token', 'a DPoP-bound access token is required')
  const result = await verifyToken(token)
  if (!result.ok) return result.status === 503 ? result : refuse('invalid_token', result.description, result.reason === 'unavailable' ? 'invalid' : result.reason)
  const jkt = result.claims.cnf?.jkt
  // RFC 9449 §7.2: a bound token is never accepted as a bearer token.
  if (scheme !== 'dpop') return jkt === undefined ? { ...result, headers: nonce } : refuse('invalid_token', 'a DPoP-bound access token was sent as a bearer token')
  if (typeof jkt !== 'string') return refuse('invalid_token', 'the access token is not DPoP-bound')
  const proof = await checkDpopProof(request, {
    url: options.publicUrl?.(request),
    accessToken: token,
    maxAgeSeconds: options.maxAgeSeconds,
    firstUse,
    nonces: options.nonces,
    now: options.now,
  })
  if (!proof.ok) return refuse(proof.error, proof.description)
  if (proof.jkt !== jkt) return refuse('invalid_dpop_proof', 'the DPoP proof is not by the key the access token is bound to')
  return { ...result, jkt, headers: nonce }
}

import { createHash } from 'node:crypto'
import { calculateJwkThumbprint, decodeProtectedHeader, EmbeddedJWK, jwtVerify } from 'jose'
import type { DpopNonces } from './dpopNonces'

/** What {@link checkDpopProof} checks a proof against. */
export interface DpopProofCheck {
  /** The URL the client called, as it saw it (behind a proxy: the public one). Default: the request's URL. */
  url?: string
  /** The access token the request carries: the proof must hash it (`ath`). */
  accessToken?: string
  /** How far the proof's `iat` may be from now, seconds. Default: 60. */
  maxAgeSeconds?: number
  /** Records a proof's id until `expiresAt` (epoch ms); `false` when it was seen before (a replay). */
  firstUse(id: string, expiresAt: number): Promise<boolean>
  /** Server nonces: with them, a proof must carry a current one (else `use_dpop_nonce`). */
  nonces?: DpopNonces | undefined
  /** The clock, epoch ms. Default: `Date.now`. */
  now?: () => number
}

/** The outcome of {@link checkDpopProof}. */
export type DpopProofResult =
  | {
      /** The proof is valid for this request. */
      ok: true
      /** The thumbprint of the proof's key (RFC 7638): what a token bound to it carries as `cnf.jkt`. */
      jkt: string
      /** The proof's `jti`. */
      jti: string
    }
  | {
      /** The proof is refused: answer `error` (400 at a token endpoint, 401 with `WWW-Authenticate: DPoP` at an API). */
      ok: false
      /** `invalid_dpop_proof`, or `use_dpop_nonce` (send again with the nonce in `DPoP-Nonce`). */
      error: 'invalid_dpop_proof' | 'use_dpop_nonce'
      /** A short text for `error_description`, e.g. `'no DPoP proof'`. No secret in it. */
      description: string
    }

/** The algorithms a proof may be signed with: ES256 (what tokenlife's SDK and oauth4webapi use by default) and EdDSA. */
const ALGORITHMS = ['ES256', 'EdDSA', 'Ed25519']

const refuse = (description: string): DpopProofResult => ({ ok: false, error: 'invalid_dpop_proof', description })

/** The URL a proof's `htu` names: scheme, host, port and path, without query and fragment (RFC 9449 §4.3). */
function withoutQuery(url: string): string | undefined {
  try {
    const parsed = new URL(url)
    parsed.search = ''
    parsed.hash = ''
    return parsed.href
  } catch {
    return undefined
  }
}

/**
 * Checks the `DPoP` header of `request` (RFC 9449 §4.3): one header, a JWT with `typ: dpop+jwt` signed (ES256 or
 * EdDSA) by the public key in its `jwk` header; `htm` the request's method, `htu` its URL (without query and
 * fragment), `iat` within `maxAgeSeconds` of now, a `jti` never seen within that window (`firstUse`, keyed by the key
 * and the jti), `ath` the SHA-256 of `accessToken` when there is one, and a current nonce when `nonces` are on.
 * Resolves with the key's thumbprint, or with the error a response names.
 */
export async function checkDpopProof(request: Request, check: DpopProofCheck): Promise<DpopProofResult> {
  const header = request.headers.get('dpop')
  if (!header) return refuse('no DPoP proof')
  if (header.includes(',')) return refuse('more than one DPoP proof')
  const now = (check.now ?? Date.now)()
  const maxAge = check.maxAgeSeconds ?? 60
  let payload: Record<string, unknown>
  let jwk: Record<string, unknown>
  try {
    const verified = await jwtVerify(header, EmbeddedJWK, { typ: 'dpop+jwt', algorithms: ALGORITHMS, currentDate: new Date(now) })
    payload = verified.payload as Record<string, unknown>
    jwk = decodeProtectedHeader(header).jwk as Record<string, unknown>
  } catch {
    return refuse('the DPoP proof is not a valid dpop+jwt signed by its jwk')
  }
  if (['d', 'p', 'q', 'dp', 'dq', 'qi', 'k'].some((member) => member in jwk)) return refuse('the DPoP proof names a private key')
  const { iat, jti, htm, htu, ath, nonce } = payload
  if (typeof iat !== 'number' || Math.abs(iat - now / 1000) > maxAge) return refuse('the DPoP proof is not recent (iat)')
  if (typeof jti !== 'string' || jti.length < 16 || jti.length > 256) return refuse('the DPoP proof has no usable jti')
  if (htm !== request.method) return refuse('the DPoP proof is for another method (htm)')
  if (typeof htu !== 'string' || withoutQuery(htu) === undefined || withoutQuery(htu) !== withoutQuery(check.url ?? request.url)) {
    return refuse('the DPoP proof is for another URL (htu)')
  }
  if (check.accessToken !== undefined && ath !== createHash('sha256').update(check.accessToken).digest('base64url')) {
    return refuse('the DPoP proof is for another access token (ath)')
  }
  if (check.nonces && !check.nonces.accepts(nonce)) {
    return { ok: false, error: 'use_dpop_nonce', description: 'a DPoP nonce is required: use the one in DPoP-Nonce' }
  }
  const jkt = await calculateJwkThumbprint(jwk as Parameters<typeof calculateJwkThumbprint>[0], 'sha256')
  // Replay: a proof is used once. Kept for as long as its iat makes it acceptable.
  if (!(await check.firstUse(`${jkt}:${jti}`, (iat + maxAge) * 1000 + 1000))) return refuse('the DPoP proof was used before (jti)')
  return { ok: true, jkt, jti }
}

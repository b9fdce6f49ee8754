import type { StoredDpopKey } from './dpop'

const encoder = new TextEncoder()

/** base64url without padding (RFC 7515 §2). */
export function base64url(bytes: ArrayBuffer | Uint8Array): string {
  const view = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes)
  let binary = ''
  for (const byte of view) binary += String.fromCharCode(byte)
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

const encodeJson = (value: object): string => base64url(encoder.encode(JSON.stringify(value)))

/** What one proof is for (RFC 9449 §4.2). */
export interface ProofClaims {
  /** The request's method (`htm`). */
  method: string
  /** The request's URL; the proof's `htu` is it without query and fragment. */
  url: string
  /** The access token the request carries: its SHA-256 becomes `ath`. */
  accessToken?: string | undefined
  /** The server's last nonce for the request's origin. */
  nonce?: string | undefined
  /** Server time, epoch seconds (`iat`). */
  issuedAt: number
}

/** Hashes of access tokens (`ath`), kept for the few tokens a session holds at a time. */
const athCache = new Map<string, string>()

async function accessTokenHash(subtle: SubtleCrypto, accessToken: string): Promise<string> {
  let ath = athCache.get(accessToken)
  if (ath === undefined) {
    ath = base64url(await subtle.digest('SHA-256', encoder.encode(accessToken)))
    if (athCache.size >= 8) athCache.delete(athCache.keys().next().value as string)
    athCache.set(accessToken, ath)
  }
  return ath
}

/**
 * A DPoP proof JWT (RFC 9449 §4.2) signed with `key`: header `{ alg: 'ES256', typ: 'dpop+jwt', jwk }`, payload
 * `{ iat, jti, htm, nonce?, htu, ath? }` — the members, in the order, oauth4webapi writes them, so a server sees
 * one format from the sign-in (`@tokenlife/oauth`) and from the core's refreshes, revocations and API calls.
 */
export async function signProof(webCrypto: Crypto, key: StoredDpopKey, claims: ProofClaims): Promise<string> {
  const { subtle } = webCrypto
  const target = new URL(claims.url)
  const payload = {
    iat: claims.issuedAt,
    jti: base64url(webCrypto.getRandomValues(new Uint8Array(32))),
    htm: claims.method.toUpperCase(),
    nonce: claims.nonce,
    htu: `${target.origin}${target.pathname}`,
    ath: claims.accessToken === undefined ? undefined : await accessTokenHash(subtle, claims.accessToken),
  }
  const input = `${key.header}.${encodeJson(payload)}`
  const signature = await subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, key.keyPair.privateKey, encoder.encode(input))
  return `${input}.${base64url(signature)}`
}

/** The encoded header of every proof a key signs (it names the public key). */
export const proofHeader = (jwk: { kty: string; x: string; y: string; crv: string }): string =>
  encodeJson({ alg: 'ES256', typ: 'dpop+jwt', jwk: { kty: jwk.kty, x: jwk.x, y: jwk.y, crv: jwk.crv } })

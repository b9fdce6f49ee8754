import { base64url, base64urlBytes } from './base64url'

/** A public key as the provider's JWKS lists it. */
export interface PublicJwk {
  kty: string
  crv?: string
  x?: string
  y?: string
  kid: string
  alg: string
  use: 'sig'
}

/** Signs JWTs with one ES256 key (Web Crypto), for the mock OpenID Connect provider's ID and access tokens. */
export interface Es256Signer {
  /** The key's id (`kid` in every token's header and in the JWKS). */
  readonly kid: string
  /** A JWS compact serialization of `claims` (`typ` defaults to `JWT`). */
  sign(claims: Record<string, unknown>, typ?: string): Promise<string>
  /** The public key, for the JWKS. */
  publicJwk(): Promise<PublicJwk>
}

let generated = 0

/**
 * A fresh ES256 key pair: each provider (and each key rotation) gets its own, so tokens of another test never verify.
 * Needs Web Crypto (`crypto.subtle`): Node ≥ 20, jsdom and happy-dom under Vitest, and every browser have it.
 */
export function createEs256Signer(): Es256Signer {
  const kid = `test-key-${++generated}-${Math.random().toString(36).slice(2, 8)}`
  const keys = crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify'])
  return {
    kid,
    async sign(claims, typ = 'JWT') {
      const { privateKey } = await keys
      const input = `${base64url(JSON.stringify({ alg: 'ES256', typ, kid }))}.${base64url(JSON.stringify(claims))}`
      const signature = await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, privateKey, new TextEncoder().encode(input))
      return `${input}.${base64urlBytes(new Uint8Array(signature))}`
    },
    async publicJwk() {
      const { publicKey } = await keys
      const { kty, crv, x, y } = (await crypto.subtle.exportKey('jwk', publicKey)) as JsonWebKey
      return { kty: kty!, crv: crv!, x: x!, y: y!, kid, alg: 'ES256', use: 'sig' }
    },
  }
}

/** `BASE64URL(SHA-256(verifier))`: the PKCE S256 challenge (RFC 7636 §4.2). */
export async function s256(verifier: string): Promise<string> {
  return base64urlBytes(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))))
}

// A DPoP client for the server's tests: a P-256 key (jose) that signs proofs as RFC 9449 §4.2 says, or as an
// attacker would (another method, URL, token, an old iat, a replayed jti, a private key in the header).
import { createHash, randomUUID } from 'node:crypto'
import { calculateJwkThumbprint, exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose'

export interface ProofOptions {
  accessToken?: string
  nonce?: string
  /** Epoch seconds. Default: now. */
  iat?: number
  jti?: string
  /** Header changes (a private key, another typ). */
  header?: Record<string, unknown>
}

/** A key that signs proofs. */
export async function dpopKey() {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true })
  const jwk = await exportJWK(publicKey)
  const privateJwk = await exportJWK(privateKey)
  const jkt = await calculateJwkThumbprint(jwk as JWK, 'sha256')
  const proof = (method: string, url: string, options: ProofOptions = {}) =>
    new SignJWT({
      iat: options.iat ?? Math.floor(Date.now() / 1000),
      jti: options.jti ?? randomUUID(),
      htm: method,
      htu: url,
      ...(options.nonce ? { nonce: options.nonce } : {}),
      ...(options.accessToken ? { ath: createHash('sha256').update(options.accessToken).digest('base64url') } : {}),
    })
      .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk, ...options.header })
      .sign(privateKey)
  return { jkt, jwk, privateJwk, proof }
}

/** The claims of a JWT, unverified. */
export const claimsOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>

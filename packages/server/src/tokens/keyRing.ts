import { randomBytes, randomUUID } from 'node:crypto'
import { createLocalJWKSet, exportJWK, generateKeyPair, importJWK, SignJWT } from 'jose'
import type { CryptoKey, JWK, JWTPayload, JWTVerifyGetKey } from 'jose'
import { invalid } from '../diagnostics/diagnostic'
import { checkSecretStrength } from './secretStrength'

/** The asymmetric algorithms a key ring signs with: Ed25519 (`EdDSA`) or P-256 (`ES256`). */
export type SigningAlgorithm = 'EdDSA' | 'ES256'

/** A private signing key as a JWK, with its `kid` and `alg` (what {@link generateSigningKey} returns). */
export interface SigningKeyJwk extends JWK {
  /** The key id, unique in the ring: tokens name it in their header, verifiers pick the key by it. */
  kid: string
  /** The algorithm the key signs with. */
  alg: SigningAlgorithm
}

/** The public keys of a ring, as served at the JWKS endpoint (RFC 7517 §5). */
export interface JsonWebKeySet {
  /** Public JWKs, each with `kid`, `alg` and `use: 'sig'`; never a private member (`d`, …). */
  keys: JWK[]
}

/**
 * Signs access tokens and tells verifiers which keys to trust. Asymmetric (EdDSA or ES256, each key with a `kid`,
 * the public ones published as a JWKS): API servers verify with the public keys only. Or HS256 with one shared
 * secret, for a single process (the demo); then there is no JWKS, and every verifier holds the secret. Made by
 * {@link createKeyRing} or {@link createSecretKeyRing}; give the same ring to the `Issuer` and, in one process, to
 * the `Verifier`.
 */
export interface KeyRing {
  /** The algorithms a token may be signed with: `['HS256']`, or those of the ring's keys. */
  readonly algorithms: string[]
  /** The `kid` new tokens are signed with (`undefined` for HS256). */
  readonly signingKid: string | undefined
  /** Signs `claims` as a JWT with the signing key (header: `alg`, `typ: JWT`, `kid`). */
  sign(claims: JWTPayload): Promise<string>
  /** The verification key for jose's `jwtVerify`: the secret, or a resolver by `kid` over the public keys. */
  readonly verificationKey: Uint8Array | JWTVerifyGetKey
  /** The public keys (empty for HS256): what `GET /.well-known/jwks.json` serves. */
  jwks(): JsonWebKeySet
}

/**
 * A new private signing key as a JWK (`EdDSA` on Ed25519 by default, or `ES256` on P-256), with `kid` (a random UUID
 * unless given), `alg` and `use: 'sig'`. Keep it secret: store it as JSON in your secret manager and give the same
 * keys to every instance (`createKeyRing(JSON.parse(process.env.SIGNING_KEYS))`).
 *
 * @example
 * ```ts
 * const key = await generateSigningKey('EdDSA', '2026-01')
 * console.log(JSON.stringify([key])) // once, into the secret store
 * ```
 */
export async function generateSigningKey(alg: SigningAlgorithm = 'EdDSA', kid: string = randomUUID()): Promise<SigningKeyJwk> {
  const { privateKey } = await generateKeyPair(alg, { extractable: true, ...(alg === 'EdDSA' ? { crv: 'Ed25519' } : {}) })
  return { ...(await exportJWK(privateKey)), kid, alg, use: 'sig' }
}

/**
 * An HS256 ring: one secret shared by the issuer and every verifier. For one process (the demo): an API server that
 * verifies HS256 tokens holds the secret that signs them. A string is used as its UTF-8 bytes. Throws a `TypeError`
 * for a secret under 32 bytes (`TL617`) or a visibly guessable one (`TL618`).
 *
 * @example
 * ```ts
 * const keys = createSecretKeyRing(process.env.JWT_SECRET ?? randomSecret()) // `openssl rand -base64 32`
 * ```
 */
export function createSecretKeyRing(secret: string | Uint8Array): KeyRing {
  const key = typeof secret === 'string' ? new TextEncoder().encode(secret) : secret
  checkSecretStrength(key)
  return {
    algorithms: ['HS256'],
    signingKid: undefined,
    verificationKey: key,
    sign: (claims) => new SignJWT(claims).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).sign(key),
    jwks: () => ({ keys: [] }),
  }
}

/**
 * 32 random bytes: an HS256 secret for one process that lives as long as it does (every token dies with a restart,
 * so every session does too). For `createSecretKeyRing()` when no secret is configured.
 */
export function randomSecret(): Uint8Array {
  return new Uint8Array(randomBytes(32))
}

const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k', 'oth']

/**
 * An asymmetric ring from private JWKs (each with `kid` and `alg`: `EdDSA` or `ES256`). The first signs unless
 * `options.signWith` names another `kid`; every key is published and trusted, so a key can be added before it signs
 * and kept after it stopped, until the tokens it signed have expired (see docs/server.md, "Rotating keys"). Rejects
 * with a `TypeError` for no keys (`TL611`), a key without `kid` (`TL612`), with another `alg` (`TL613`) or without its
 * private part (`TL614`), duplicate `kid`s (`TL615`), and a `signWith` that names no key (`TL616`).
 *
 * @example
 * ```ts
 * // Rotation, step 1: the new key is published but the old one still signs.
 * const keys = await createKeyRing([oldKey, newKey])
 * // Step 2, once API servers have the new JWKS: the new key signs; tokens of the old one still verify.
 * const rotated = await createKeyRing([oldKey, newKey], { signWith: newKey.kid })
 * ```
 */
export async function createKeyRing(keys: readonly SigningKeyJwk[], options: { signWith?: string } = {}): Promise<KeyRing> {
  if (keys.length === 0) invalid('TL611')
  const kids = new Set<string>()
  const imported: Array<{ jwk: SigningKeyJwk; key: CryptoKey; publicJwk: JWK }> = []
  for (const jwk of keys) {
    if (typeof jwk.kid !== 'string' || jwk.kid === '') invalid('TL612')
    if (jwk.alg !== 'EdDSA' && jwk.alg !== 'ES256') invalid('TL613', jwk.kid, jwk.alg)
    if (typeof jwk.d !== 'string') invalid('TL614', jwk.kid)
    if (kids.has(jwk.kid)) invalid('TL615', jwk.kid)
    kids.add(jwk.kid)
    const key = (await importJWK(jwk, jwk.alg)) as CryptoKey
    const publicJwk: JWK = Object.fromEntries(Object.entries(jwk).filter(([name]) => !PRIVATE_MEMBERS.includes(name)))
    imported.push({ jwk, key, publicJwk: { ...publicJwk, use: 'sig' } })
  }
  const signer = options.signWith === undefined ? imported[0] : imported.find((entry) => entry.jwk.kid === options.signWith)
  if (!signer) invalid('TL616', options.signWith)
  const set: JsonWebKeySet = { keys: imported.map((entry) => entry.publicJwk) }
  return {
    algorithms: [...new Set(imported.map((entry) => entry.jwk.alg))],
    signingKid: signer.jwk.kid,
    verificationKey: createLocalJWKSet(set),
    sign: (claims) =>
      new SignJWT(claims).setProtectedHeader({ alg: signer.jwk.alg, typ: 'JWT', kid: signer.jwk.kid }).sign(signer.key),
    jwks: () => structuredClone(set),
  }
}

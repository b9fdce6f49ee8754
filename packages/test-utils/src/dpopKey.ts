// A DPoP key for tests outside the page (Node, or a worker): a P-256 key pair made with Web Crypto that signs proofs
// as RFC 9449 §4.2 says, or as an attacker would (another method, URL, token, an old iat, a replayed jti, a header
// changed). One signer for the server's tests, the reference server's and the conformance suites' thief.

/** What one proof says, besides its method and URL. */
export interface DpopProofOptions {
  /** The access token the request carries: its SHA-256 becomes `ath`. */
  accessToken?: string
  /** The server's nonce (`null` or absent: none). */
  nonce?: string | null
  /** Epoch seconds. Default: `now()`. */
  iat?: number
  /** Default: a random UUID. */
  jti?: string
  /** Header members added or changed (a private key in `jwk`, another `typ`). */
  header?: Record<string, unknown>
}

const encoder = new TextEncoder()
const base64url = (bytes: ArrayBuffer | Uint8Array) => Buffer.from(bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes)).toString('base64url')
const encodeJson = (value: object) => base64url(encoder.encode(JSON.stringify(value)))
const sha256 = async (text: string) => base64url(await crypto.subtle.digest('SHA-256', encoder.encode(text)))

/**
 * A new ES256 key (extractable, so a test can put its private part where it must not be): its public `jwk`, its
 * RFC 7638 thumbprint `jkt`, its `privateJwk`, and `proof(method, url, options)`, a signed `dpop+jwt`.
 *
 * @example
 * ```ts
 * const thief = await dpopKey()
 * await fetch(api, { headers: { Authorization: `DPoP ${token}`, DPoP: await thief.proof('GET', api, { accessToken: token }) } })
 * ```
 */
export async function dpopKey({ now = Date.now }: { now?: () => number } = {}) {
  const { privateKey, publicKey } = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify'])
  const { kty, crv, x, y } = await crypto.subtle.exportKey('jwk', publicKey)
  const jwk = { kty: kty!, crv: crv!, x: x!, y: y! }
  const privateJwk = await crypto.subtle.exportKey('jwk', privateKey)
  const jkt = await sha256(JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y }))
  const proof = async (method: string, url: string, options: DpopProofOptions = {}): Promise<string> => {
    const payload = {
      iat: options.iat ?? Math.floor(now() / 1000),
      jti: options.jti ?? crypto.randomUUID(),
      htm: method,
      htu: url,
      ...(options.nonce ? { nonce: options.nonce } : {}),
      ...(options.accessToken ? { ath: await sha256(options.accessToken) } : {}),
    }
    const input = `${encodeJson({ alg: 'ES256', typ: 'dpop+jwt', jwk, ...options.header })}.${encodeJson(payload)}`
    const signature = await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, privateKey, encoder.encode(input))
    return `${input}.${base64url(signature)}`
  }
  return { jkt, jwk, privateJwk, proof }
}

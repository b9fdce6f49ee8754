// A fake OAuth server that checks DPoP proofs (RFC 9449) as a strict one does, for the core's DPoP tests: proofs
// verified with Web Crypto (signature, typ, alg, htm, htu, iat, jti replay, ath, nonce), refresh tokens bound to the
// key of the sign-in and rotated with reuse detection, access tokens bound by `cnf.jkt` (or opaque, `token_type`
// DPoP), nonces that rotate, and switches that make it misbehave (answer bearer tokens, bind to another key).
import { mintJwt } from '@tokenlife/test-utils'
import { http, HttpResponse, type HttpHandler } from 'msw'

/** A decoded proof as the server saw it. */
export interface SeenProof {
  header: { alg: string; typ: string; jwk: JsonWebKey & { kty: string; crv: string; x: string; y: string } }
  payload: { iat: number; jti: string; htm: string; htu: string; nonce?: string; ath?: string }
  jkt: string
}

/** One request the server answered. */
export interface SeenRequest {
  path: string
  proof: SeenProof | undefined
  authorization: string | null
  status: number
  error?: string
}

const b64u = (bytes: ArrayBuffer | Uint8Array) => Buffer.from(bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes)).toString('base64url')
const sha256 = async (text: string) => b64u(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)))

/** The RFC 7638 thumbprint of an EC public JWK. */
export const jwkThumbprint = (jwk: { crv: string; kty: string; x: string; y: string }) =>
  sha256(JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y }))

/** Verifies a DPoP proof's form and signature; `undefined` when it is not one. */
export async function readProof(proof: string | null): Promise<SeenProof | undefined> {
  if (!proof) return undefined
  const [header, payload, signature] = proof.split('.')
  if (!header || !payload || !signature) return undefined
  const decoded = {
    header: JSON.parse(Buffer.from(header, 'base64url').toString()) as SeenProof['header'],
    payload: JSON.parse(Buffer.from(payload, 'base64url').toString()) as SeenProof['payload'],
  }
  if (decoded.header.typ !== 'dpop+jwt' || decoded.header.alg !== 'ES256') return undefined
  const key = await crypto.subtle.importKey('jwk', decoded.header.jwk, { name: 'ECDSA', namedCurve: 'P-256' }, false, ['verify'])
  const valid = await crypto.subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, key, Buffer.from(signature, 'base64url'), new TextEncoder().encode(`${header}.${payload}`))
  return valid ? { ...decoded, jkt: await jwkThumbprint(decoded.header.jwk) } : undefined
}

export interface DpopServerOptions {
  now: () => number
  origin?: string
  lifetime?: number
  /** Every proof must carry the server's current nonce (else `use_dpop_nonce`). */
  requireNonce?: boolean
}

/** Starts a fake DPoP server; install `server.handlers` with msw. */
export function createDpopServer({ now, origin = 'https://dpop.test', lifetime = 60, requireNonce = false }: DpopServerOptions) {
  let families = 0
  let serial = 0
  const refreshTokens = new Map<string, { family: number; used: boolean }>()
  const familyKeys = new Map<number, string | undefined>()
  const revoked = new Set<number>()
  const jtis = new Set<string>()
  const accessTokens = new Map<string, { jkt: string | undefined; family: number }>()
  const state = {
    nonce: 'nonce-1',
    /** How token answers misbehave: `'bearer'` ignores DPoP; `'other-key'` binds to a key the client never had. */
    answer: 'dpop' as 'dpop' | 'bearer' | 'other-key' | 'opaque' | 'opaque-bearer',
    requireNonce,

    /** Every proof is refused as invalid (`invalid_dpop_proof`). */
    refuseProofs: false,
    /** Every proof is asked for a nonce, even with the right one (a broken server). */
    alwaysAskNonce: false,
  }
  const seen: SeenRequest[] = []
  /** Access tokens the API refuses (a 401 wave). */
  const refused = new Set<string>()

  const json = (status: number, body: object, headers: Record<string, string> = {}) =>
    HttpResponse.json(body, { status, headers: { 'Cache-Control': 'no-store', 'DPoP-Nonce': state.nonce, Date: new Date(now()).toUTCString(), ...headers } })

  /** The proof of `request` checked as RFC 9449 §4.3 says; an error code, or the proof. */
  async function check(request: Request, accessToken?: string): Promise<SeenProof | { error: string }> {
    const proof = await readProof(request.headers.get('DPoP'))
    if (!proof || state.refuseProofs) return { error: 'invalid_dpop_proof' }
    const url = new URL(request.url)
    const { payload } = proof
    if (payload.htm !== request.method || payload.htu !== `${url.origin}${url.pathname}`) return { error: 'invalid_dpop_proof' }
    if (Math.abs(payload.iat - now() / 1000) > 60) return { error: 'invalid_dpop_proof' }
    if (jtis.has(payload.jti)) return { error: 'invalid_dpop_proof' }
    if (accessToken !== undefined && payload.ath !== (await sha256(accessToken))) return { error: 'invalid_dpop_proof' }
    if (state.alwaysAskNonce || (state.requireNonce && payload.nonce !== state.nonce)) return { error: 'use_dpop_nonce' }
    jtis.add(payload.jti)
    return proof
  }

  function issue(family: number, jkt: string | undefined) {
    const refreshToken = `rt-${++serial}`
    refreshTokens.set(refreshToken, { family, used: false })
    const iat = Math.floor(now() / 1000)
    const bound = state.answer === 'other-key' ? 'someone-elses-key' : jkt
    const opaque = state.answer === 'opaque' || state.answer === 'opaque-bearer'
    const accessToken = opaque
      ? `opaque-${serial}`
      : mintJwt({ sub: 'ada', iat, exp: iat + lifetime, jti: `at-${serial}`, ...(state.answer === 'bearer' ? {} : { cnf: { jkt: bound } }) })
    accessTokens.set(accessToken, { jkt: bound, family })
    const tokenType = state.answer === 'bearer' || state.answer === 'opaque-bearer' ? 'Bearer' : 'DPoP'
    return { access_token: accessToken, token_type: tokenType, expires_in: lifetime, refresh_token: refreshToken }
  }

  const record = (request: Request, proof: SeenProof | undefined, status: number, error?: string) =>
    seen.push({ path: new URL(request.url).pathname, proof, authorization: request.headers.get('Authorization'), status, ...(error ? { error } : {}) })

  const handlers: HttpHandler[] = [
    http.post(`${origin}/login`, async ({ request }) => {
      const checked = await check(request)
      if ('error' in checked) {
        record(request, undefined, 400, checked.error)
        return json(400, { error: checked.error })
      }
      const family = ++families
      familyKeys.set(family, checked.jkt)
      record(request, checked, 200)
      return json(200, issue(family, checked.jkt))
    }),
    http.post(`${origin}/token`, async ({ request }) => {
      const form = new URLSearchParams(await request.text())
      const checked = await check(request)
      if ('error' in checked) {
        record(request, undefined, 400, checked.error)
        return json(400, { error: checked.error })
      }
      const presented = form.get('refresh_token') ?? ''
      const token = refreshTokens.get(presented)
      const fail = (error: string, description: string) => {
        record(request, checked, 400, error)
        return json(400, { error, error_description: description })
      }
      if (!token || revoked.has(token.family)) return fail('invalid_grant', 'unknown or revoked')
      const bound = familyKeys.get(token.family)
      // A refresh token bound to a key is refused with another: not used, not revoked (the legitimate client goes on).
      if (bound !== undefined && bound !== checked.jkt) return fail('invalid_grant', 'failed jkt verification')
      if (token.used) {
        revoked.add(token.family)
        return fail('invalid_grant', 'refresh token reuse detected')
      }
      token.used = true
      // A family that never had a key (a session from before DPoP) is bound by its first proof.
      if (bound === undefined) familyKeys.set(token.family, checked.jkt)
      record(request, checked, 200)
      return json(200, issue(token.family, checked.jkt))
    }),
    http.post(`${origin}/revoke`, async ({ request }) => {
      const form = new URLSearchParams(await request.text())
      const checked = request.headers.has('DPoP') ? await check(request) : undefined
      const token = refreshTokens.get(form.get('token') ?? '')
      if (token) revoked.add(token.family)
      record(request, checked && !('error' in checked) ? checked : undefined, 200)
      return json(200, {})
    }),
    http.all(`${origin}/api/*`, async ({ request }) => {
      const authorization = request.headers.get('Authorization') ?? ''
      const [scheme, token = ''] = authorization.split(' ')
      const known = accessTokens.get(token)
      const refuse = (error: string) => {
        record(request, undefined, 401, error)
        return json(401, { error }, { 'WWW-Authenticate': `DPoP error="${error}"` })
      }
      if (!known || revoked.has(known.family) || refused.has(token)) return refuse('invalid_token')
      // A bound token as a bearer token, or without its key's proof: refused (RFC 9449 §7).
      if (scheme !== 'DPoP') return refuse('invalid_token')
      const checked = await check(request, token)
      if ('error' in checked) return refuse(checked.error)
      if (checked.jkt !== known.jkt) return refuse('invalid_dpop_proof')
      record(request, checked, 200)
      return json(200, { sub: 'ada', body: request.method === 'GET' ? undefined : await request.text() })
    }),
  ]

  return {
    origin,
    handlers,
    state,
    seen,
    /** A session started outside the client (a legacy, unbound one when `jkt` is undefined). */
    startSession(jkt?: string) {
      const family = ++families
      familyKeys.set(family, jkt)
      return issue(family, jkt)
    },
    /** Makes every token issued so far unacceptable to the API (a 401 wave). */
    rejectIssuedTokens() {
      for (const token of accessTokens.keys()) refused.add(token)
    },
    isRevoked: (refreshToken: string) => revoked.has(refreshTokens.get(refreshToken)?.family ?? -1),
    /** The requests to `path`, in order. */
    requestsTo: (path: string) => seen.filter((entry) => entry.path === path),
  }
}

export type DpopServer = ReturnType<typeof createDpopServer>

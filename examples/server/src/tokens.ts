import { createHash, randomBytes, randomUUID } from 'node:crypto'
import { errors, jwtVerify, SignJWT } from 'jose'

export const ISSUER = 'tokenlife-example'
export const AUDIENCE = 'tokenlife-example-api'

/** The claims of an access token issued by this server. */
export interface AccessTokenClaims {
  sub: string
  email: string
  name: string
  iat: number
  exp: number
  jti: string
  ver: number
  iss: string
  aud: string
}

export interface AccessTokenSubject {
  id: string
  email: string
  name: string
  tokenVersion: number
}

export type VerifyResult =
  | { ok: true; claims: AccessTokenClaims }
  | { ok: false; reason: 'expired' | 'invalid'; description: string }

/** Signs and verifies HS256 access tokens. Only HS256 is ever accepted (no `alg: none`, no algorithm confusion). */
export class AccessTokens {
  readonly #key: Uint8Array
  readonly #ttlSeconds: number
  readonly #now: () => number

  constructor(options: { secret: Uint8Array; ttlSeconds: number; now: () => number }) {
    if (options.secret.byteLength < 32) throw new Error('the JWT secret must be at least 32 bytes')
    this.#key = options.secret
    this.#ttlSeconds = options.ttlSeconds
    this.#now = options.now
  }

  get ttlSeconds(): number {
    return this.#ttlSeconds
  }

  async sign(subject: AccessTokenSubject): Promise<{ token: string; claims: AccessTokenClaims }> {
    const iat = Math.floor(this.#now() / 1000)
    const claims: AccessTokenClaims = {
      sub: subject.id,
      email: subject.email,
      name: subject.name,
      iat,
      exp: iat + this.#ttlSeconds,
      jti: randomUUID(),
      ver: subject.tokenVersion,
      iss: ISSUER,
      aud: AUDIENCE,
    }
    const token = await new SignJWT({ ...claims }).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).sign(this.#key)
    return { token, claims }
  }

  async verify(token: string): Promise<VerifyResult> {
    try {
      const { payload } = await jwtVerify(token, this.#key, {
        algorithms: ['HS256'],
        issuer: ISSUER,
        audience: AUDIENCE,
        requiredClaims: ['sub', 'iat', 'exp', 'jti'],
        currentDate: new Date(this.#now()),
      })
      const { sub, email, name, iat, exp, jti, ver } = payload as Partial<Record<string, unknown>>
      if (
        typeof sub !== 'string' ||
        typeof email !== 'string' ||
        typeof name !== 'string' ||
        typeof iat !== 'number' ||
        typeof exp !== 'number' ||
        typeof jti !== 'string' ||
        typeof ver !== 'number'
      ) {
        return { ok: false, reason: 'invalid', description: 'access token claims are malformed' }
      }
      return { ok: true, claims: { sub, email, name, iat, exp, jti, ver, iss: ISSUER, aud: AUDIENCE } }
    } catch (error) {
      if (error instanceof errors.JWTExpired) {
        return { ok: false, reason: 'expired', description: 'access token expired' }
      }
      return { ok: false, reason: 'invalid', description: 'access token is invalid' }
    }
  }
}

/** A new opaque refresh token: 256 random bits, base64url. */
export function generateRefreshToken(): string {
  return randomBytes(32).toString('base64url')
}

/** What the store keeps instead of the refresh token itself. */
export function hashRefreshToken(token: string): string {
  return createHash('sha256').update(token).digest('base64url')
}

/** The signing secret: `TOKENLIFE_JWT_SECRET` (UTF-8, at least 32 bytes) or 32 random bytes. */
export function resolveSecret(secret: string | Uint8Array | undefined): Uint8Array {
  if (secret === undefined || secret === '') return new Uint8Array(randomBytes(32))
  return typeof secret === 'string' ? new TextEncoder().encode(secret) : secret
}

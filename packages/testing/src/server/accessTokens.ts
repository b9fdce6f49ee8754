import { mintJwt } from '../jwt/mintJwt'
import { oauthError } from './answers'
import type { MockSession, SessionBook } from './sessionBook'

interface IssuedToken {
  jti: string
  sessionId: string
  userId: string
  version: number
  expiresAt: number
  claims: Record<string, unknown>
}

/** What checking an access token found: its claims, or the 401 an API would answer. */
export type AccessTokenCheck =
  | {
      /** The token is valid. */
      ok: true
      /** Its claims (`sub`, `email`, the user's own, `exp`, …). */
      claims: Record<string, unknown>
    }
  | {
      /** The token is not valid. */
      ok: false
      /** Why: no bearer token, not one of this server's, expired, or revoked (logout, revocation, token version). */
      reason: 'missing' | 'invalid' | 'expired' | 'revoked'
      /** The `401 invalid_token` (with `WWW-Authenticate`) an API answers. */
      response: Response
    }

/**
 * The access tokens a mock server issued, so that it (and an app's own API mocks, through `verify`) can tell a valid
 * one from an expired, denied (logged out, revoked by the test) or outdated one (the user's token version moved on),
 * as `@tokenlife/server`'s verifier does.
 */
export class AccessTokenLedger {
  readonly #issued = new Map<string, IssuedToken>()
  readonly #denied = new Set<string>()
  #serial = 0

  constructor(
    private readonly book: SessionBook,
    private readonly now: () => number,
    private readonly issuer: string,
  ) {}

  /** A new access token for `session`, living `ttlSeconds`, with the user's claims. */
  issue(session: MockSession, ttlSeconds: number, userClaims: Record<string, unknown>): string {
    const iat = Math.floor(this.now() / 1000)
    const jti = `at-${++this.#serial}`
    const claims = { iss: this.issuer, ...userClaims, sub: session.userId, iat, exp: iat + ttlSeconds, jti, sid: session.id, ver: session.version }
    const token = mintJwt(claims)
    this.#issued.set(token, { jti, sessionId: session.id, userId: session.userId, version: session.version, expiresAt: this.now() + ttlSeconds * 1000, claims })
    return token
  }

  /** The session an access token of this server belongs to. */
  sessionOf(token: string): MockSession | undefined {
    const issued = this.#issued.get(token)
    return issued && this.book.session(issued.sessionId)
  }

  /** Denies `token` until it expires (a logout presented it). */
  deny(token: string): void {
    const issued = this.#issued.get(token)
    if (issued) this.#denied.add(issued.jti)
  }

  /** Denies every access token of the sessions `which` picks (a revocation the test asked for). */
  denySessions(which: (sessionId: string) => boolean): void {
    for (const issued of this.#issued.values()) if (which(issued.sessionId)) this.#denied.add(issued.jti)
  }

  /** Whether `token` is valid now: issued here, not expired, not denied, at the user's current token version. */
  check(token: string | undefined): AccessTokenCheck {
    const refuse = (reason: Exclude<AccessTokenCheck, { ok: true }>['reason'], description: string): AccessTokenCheck => ({
      ok: false,
      reason,
      response: oauthError(401, 'invalid_token', description, this.now(), {
        'WWW-Authenticate': `Bearer error="invalid_token", error_description="${description}"`,
      }),
    })
    if (token === undefined) return refuse('missing', 'no bearer token')
    const issued = this.#issued.get(token)
    if (!issued) return refuse('invalid', 'unknown access token')
    if (this.now() >= issued.expiresAt) return refuse('expired', 'the access token expired')
    if (this.#denied.has(issued.jti) || this.book.version(issued.userId) !== issued.version) return refuse('revoked', 'the access token was revoked')
    return { ok: true, claims: { ...issued.claims } }
  }
}

import { createEs256Signer, type Es256Signer } from '../jwt/es256Signer'
import { json } from '../server/answers'
import { UserDirectory, type KnownUser } from '../server/mockUsers'
import { SessionBook, type MockSession } from '../server/sessionBook'
import type { NormalizedProviderOptions } from './providerOptions'

/** An authorization code the provider issued, and what its exchange is checked against. */
export interface AuthorizationCode {
  clientId: string
  redirectUri: string
  challenge: string
  nonce: string | undefined
  scope: string
  userId: string
  authTime: number
  expiresAt: number
  /** The session its exchange started (revoked if the code is presented again). */
  sessionId?: string
}

interface IssuedAccessToken {
  jti: string
  sessionId: string
  userId: string
  version: number
  expiresAt: number
}

/** Everything the provider's endpoints share. */
export class ProviderContext {
  readonly users: UserDirectory
  readonly book: SessionBook
  /** The signing keys, newest first: the first signs, all are in the JWKS. */
  keys: Es256Signer[] = [createEs256Signer()]
  readonly codes = new Map<string, AuthorizationCode>()
  readonly accessTokens = new Map<string, IssuedAccessToken>()
  readonly denied = new Set<string>()
  /** Who is signed in at the provider itself (its own session cookie), for `prompt=none`. */
  signedIn: KnownUser | undefined
  /** Who signs in at the next authorization. */
  nextUser: KnownUser
  /** The error the next authorization answers with, instead of a code. */
  nextError: { error: string; description: string } | undefined
  #serial = 0

  constructor(readonly options: NormalizedProviderOptions) {
    this.users = new UserDirectory(options.users)
    this.book = new SessionBook(options.now, { refreshTokenTtlMs: options.refreshTokenTtlMs, retryWindowMs: options.retryWindowMs }, 'oidc-rt')
    this.nextUser = this.users.first()
  }

  /** A random, unguessable value (codes). */
  random(prefix: string): string {
    const bytes = crypto.getRandomValues(new Uint8Array(16))
    return `${prefix}-${++this.#serial}-${Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('')}`
  }

  /** An endpoint's absolute URL. */
  url(path: string): string {
    return `${this.options.origin}${this.options.base}${path}`
  }

  /** The token answer of a code exchange or a refresh: signed access and ID tokens, the refresh token. */
  async tokenAnswer(session: MockSession, refreshToken: string, nonce: string | undefined): Promise<Response> {
    const { options } = this
    const user = this.users.byId(session.userId)!
    const iat = Math.floor(options.now() / 1000)
    const exp = iat + options.accessTokenTtl
    const jti = this.random('at')
    const scope = String(session.extra.scope ?? 'openid')
    const signer = this.keys[0]!
    const accessToken = await signer.sign({ iss: options.issuer, sub: user.id, aud: options.clientId, client_id: options.clientId, scope, iat, exp, jti, sid: session.id }, 'at+jwt')
    this.accessTokens.set(accessToken, { jti, sessionId: session.id, userId: user.id, version: session.version, expiresAt: options.now() + options.accessTokenTtl * 1000 })
    const claims = this.users.claimsOf(user)
    const idToken = await signer.sign({
      ...claims,
      iss: options.issuer,
      sub: user.id,
      aud: options.clientId,
      iat,
      exp,
      auth_time: session.extra.authTime,
      sid: session.id,
      ...(nonce === undefined ? {} : { nonce }),
    })
    const body = { access_token: accessToken, token_type: 'Bearer', expires_in: options.accessTokenTtl, refresh_token: refreshToken, id_token: idToken, scope }
    return this.cors(json(body, 200, options.now(), options.retryWindowMs > 0 ? { 'Tokenlife-Retry-Window': String(options.retryWindowMs / 1000) } : {}))
  }

  /** The claims of a valid access token of this provider (not expired, revoked or outdated), or `undefined`. */
  accessTokenClaims(token: string | undefined): { sub: string } | undefined {
    const issued = token === undefined ? undefined : this.accessTokens.get(token)
    if (!issued || this.options.now() >= issued.expiresAt || this.denied.has(issued.jti)) return undefined
    if (this.book.version(issued.userId) !== issued.version || this.book.session(issued.sessionId)?.revoked) return undefined
    return { sub: issued.userId }
  }

  /** Lets a page on another origin read the answer (the provider is always cross-origin to the app). */
  cors(response: Response): Response {
    response.headers.set('Access-Control-Allow-Origin', '*')
    response.headers.set('Access-Control-Expose-Headers', 'Date, Tokenlife-Retry-Window')
    return response
  }
}

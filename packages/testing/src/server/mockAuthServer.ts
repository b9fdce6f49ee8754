import { describe, kitError } from '../diagnostics/kitError'
import { AccessTokenLedger, type AccessTokenCheck } from './accessTokens'
import { bearerOf } from './answers'
import { contractEndpoints, type ContractContext } from './contractEndpoints'
import { CookieJar } from './cookieJar'
import { UserDirectory, type KnownUser } from './mockUsers'
import { MockServer, type MockRoute } from './mockServer'
import { normalizeServerOptions, seconds, type ContractEndpoint, type MockAuthServerOptions, type NormalizedServerOptions } from './serverOptions'
import { SessionBook, type MockSession } from './sessionBook'

const brand = Symbol.for('tokenlife.testing.MockAuthServer')

/** A user of a mock server, as it knows them now. */
export interface RegisteredUser {
  /** The `sub` claim. */
  readonly id: string
  /** The sign-in name. */
  readonly email: string
  /** The password the login endpoint accepts now (a password change replaces it). */
  readonly password: string
}

/** A session {@link MockAuthServer.signIn} started. */
export interface ServerSignIn {
  /** Its refresh token (in cookie mode, also in the modelled cookie jar). */
  refreshToken: string
  /** The session. */
  session: MockSession
}

/**
 * A mock of the tokenlife server contract (what `@tokenlife/server` and `examples/server` answer): login, refresh with
 * rotating refresh tokens and reuse detection, logout (RFC 7009 revocation, `everywhere`), logout everywhere, change
 * password, JWKS; in cookie mode (an httpOnly cookie) and storage mode (the refresh token in the body). With
 * `clientId` it is an OAuth token and revocation endpoint for a public client. Iterate it (`setupServer(...auth)`)
 * for its msw handlers, or call {@link MockServer.handle} without msw. Create it with {@link tokenlifeHandlers}.
 */
export class MockAuthServer extends MockServer<ContractEndpoint> {
  /** Whether `value` is a mock server (of any copy of the kit: each build has its own class). */
  static is(value: unknown): value is MockAuthServer {
    return typeof value === 'object' && value !== null && brand in value
  }

  readonly #options: NormalizedServerOptions
  #users!: UserDirectory
  #book!: SessionBook
  #tokens!: AccessTokenLedger
  #jar!: CookieJar
  #ttl = 0

  constructor(options: MockAuthServerOptions = {}) {
    super()
    Object.defineProperty(this, brand, { value: true })
    this.#options = normalizeServerOptions(options)
    this.reset()
  }

  /** The path of each endpoint it answers. */
  get endpoints(): Readonly<Record<ContractEndpoint, string>> {
    return this.#options.endpoints
  }

  /** {@inheritDoc MockServer.origin} */
  override get origin(): string | undefined {
    return this.#options.origin
  }

  /** The users who can sign in (with their current passwords), in the order given. */
  get users(): readonly RegisteredUser[] {
    return this.#users.all()
  }

  /** Forgets every session, request, switch and password change: the server as it was created. */
  reset(): void {
    const { now, refreshTokenTtlMs, retryWindowMs, users, issuer, cookies, cookiePath, accessTokenTtl } = this.#options
    this.#users = new UserDirectory(users)
    this.#book = new SessionBook(now, { refreshTokenTtlMs, retryWindowMs })
    this.#tokens = new AccessTokenLedger(this.#book, now, issuer)
    this.#jar = new CookieJar(cookies, cookiePath)
    this.#ttl = accessTokenTtl
    this.resetSwitches()
  }

  /** Every session it started, oldest first, with whether (and why) it was revoked. */
  sessions(): readonly MockSession[] {
    return this.#book.sessions()
  }

  /** The sessions still alive (not revoked, at the user's token version), of one user when `email` is given. */
  activeSessions(email?: string): readonly MockSession[] {
    const user = email === undefined ? undefined : this.#user(email)
    return this.#book.sessions().filter((session) => this.#book.alive(session) && (!user || session.userId === user.id))
  }

  /** Access tokens issued from now on expire in `ttl` seconds. */
  setAccessTokenTtl(ttl: number): void {
    this.#ttl = seconds('setAccessTokenTtl(seconds)', ttl, this.#ttl)
  }

  /**
   * Revokes every session (of one user when `email` is given) and denies their access tokens: the next refresh is
   * refused (`invalid_grant`, the session ends as `revoked`), and `verify()` refuses their access tokens.
   */
  revokeSessions(email?: string): void {
    const user = email === undefined ? undefined : this.#user(email)
    this.#book.revokeAll('revoked-by-test', user?.id)
    this.#tokens.denySessions((id) => this.#book.session(id)?.revoked === 'revoked-by-test')
  }

  /**
   * The user changed their password elsewhere: the new password is required to sign in, and every session of theirs
   * ends at its next refresh (`token version changed`); `verify()` refuses their access tokens.
   */
  changePassword(email: string = this.#users.first().email, newPassword = 'changed-password'): void {
    const user = this.#user(email)
    user.password = newPassword
    this.#book.bumpVersion(user.id)
  }

  /**
   * Starts a session for `email` (default: the first user), as a sign-in on an earlier visit would have: with the
   * modelled cookie jar, the browser now holds its refresh cookie. Returns the refresh token and the session.
   */
  signIn(email: string = this.#users.first().email): ServerSignIn {
    const { session, refreshToken } = this.#book.start(this.#user(email).id)
    if (this.#options.cookies === 'model') this.#jar.put(refreshToken)
    return { refreshToken, session }
  }

  /** Drops the refresh cookie from the modelled jar (the user cleared their cookies). */
  clearCookie(): void {
    this.#jar.put(undefined)
  }

  /**
   * Checks an access token as an API would (in your own msw handlers): issued by this server, not expired, not
   * revoked (logout, `revokeSessions`), at the user's current token version. Pass the request (its `Authorization:
   * Bearer` header) or the token. A refusal carries the `401 invalid_token` answer to return.
   *
   * @example
   * ```ts
   * http.get('/api/me', ({ request }) => {
   *   const check = auth.verify(request)
   *   return check.ok ? HttpResponse.json({ sub: check.claims.sub }) : check.response
   * })
   * ```
   */
  verify(requestOrToken: Request | string): AccessTokenCheck {
    return this.#tokens.check(typeof requestOrToken === 'string' ? requestOrToken : bearerOf(requestOrToken))
  }

  /** {@inheritDoc MockServer.now} */
  protected override now(): number {
    return this.#options.now()
  }

  /** {@inheritDoc MockServer.wait} */
  protected override wait(ms: number): Promise<void> {
    return this.#options.wait(ms)
  }

  /** {@inheritDoc MockServer.routes} */
  protected override routes(): MockRoute<ContractEndpoint>[] {
    const { endpoints } = this.#options
    return (Object.keys(endpoints) as ContractEndpoint[]).map((endpoint) => ({ endpoint, method: contractEndpoints[endpoint].method, path: endpoints[endpoint] }))
  }

  /** {@inheritDoc MockServer.route} */
  protected override route(request: Request): MockRoute<ContractEndpoint> | undefined {
    let url: URL
    try {
      url = new URL(request.url)
    } catch {
      return undefined
    }
    if (this.origin !== undefined && url.origin !== this.origin) return undefined
    const path = url.pathname.replace(/\/+$/, '') || '/'
    return this.routes().find((route) => route.path === path && route.method === request.method)
  }

  /** {@inheritDoc MockServer.isRefresh} */
  protected override isRefresh(endpoint: ContractEndpoint): boolean {
    return endpoint === 'refresh'
  }

  /** {@inheritDoc MockServer.answer} */
  protected override answer(endpoint: ContractEndpoint, request: Request, note: (outcome: string) => void): Promise<Response> {
    const context: ContractContext = {
      options: this.#options,
      book: this.#book,
      users: this.#users,
      jar: this.#jar,
      tokens: this.#tokens,
      ttl: () => this.#ttl,
      note,
    }
    return contractEndpoints[endpoint].answer(context, request)
  }

  /** {@inheritDoc MockServer.sending} */
  protected override sending(request: Request): void {
    this.#jar.sending(request)
  }

  /** {@inheritDoc MockServer.received} */
  protected override received(_request: Request, response: Response): void {
    this.#jar.received(response)
  }

  #user(email: string): KnownUser {
    const user = typeof email === 'string' ? this.#users.byEmail(email) : undefined
    if (!user) throw kitError(TypeError, 'TL803', 'email', describe(email))
    return user
  }
}

/**
 * A mock of the tokenlife server contract for msw: spread it into `setupServer()` (Node, Vitest, Jest) or
 * `setupWorker()` (a browser), and drive it from your tests. See {@link MockAuthServer} for its switches.
 *
 * @example
 * ```ts
 * import { setupServer } from 'msw/node'
 * import { tokenlifeHandlers } from '@tokenlife/testing'
 *
 * const auth = tokenlifeHandlers()              // /auth/login, /auth/refresh, /auth/logout, … on any origin
 * const server = setupServer(...auth)
 * beforeAll(() => server.listen())
 * afterEach(() => auth.reset())
 *
 * it('keeps the session through a blip', async () => {
 *   auth.failNextRefresh('unavailable')         // 503, Retry-After: 1
 *   // … the app's client retries and keeps its session
 * })
 * ```
 */
export function tokenlifeHandlers(options?: MockAuthServerOptions): MockAuthServer {
  return new MockAuthServer(options)
}

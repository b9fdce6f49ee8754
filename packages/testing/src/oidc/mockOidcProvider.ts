import { describe, kitError } from '../diagnostics/kitError'
import { createEs256Signer } from '../jwt/es256Signer'
import { MockServer, type MockRoute } from '../server/mockServer'
import type { KnownUser } from '../server/mockUsers'
import type { MockSession } from '../server/sessionBook'
import { authorize, endSession } from './authorization'
import { ProviderContext } from './providerContext'
import { providerEndpoints, providerPaths, type ProviderEndpoint } from './providerEndpoints'
import { normalizeProviderOptions, type MockOidcProviderOptions } from './providerOptions'
import { providerPage, type ProviderPage } from './providerPage'

/**
 * A mock OpenID Connect provider for `@tokenlife/oauth`'s redirect flow: discovery, authorization (the user signs in
 * at once, no form: PKCE S256, `state`, `nonce` and the RFC 9207 `iss` checked or sent), the token endpoint (code
 * exchange with a signed ES256 ID token; refresh with rotation and reuse detection), JWKS, RFC 7009 revocation,
 * RP-initiated logout and userinfo. Its answers can fail, slow down or wait like the contract server's. Create it
 * with {@link mockOidcProvider}; spread it into msw, or use {@link MockOidcProvider.page} without msw.
 */
export class MockOidcProvider extends MockServer<ProviderEndpoint> {
  #context: ProviderContext

  constructor(options: MockOidcProviderOptions = {}) {
    super()
    this.#context = new ProviderContext(normalizeProviderOptions(options))
  }

  /** The issuer (what `createOAuthClient({ issuer })` needs). */
  get issuer(): string {
    return this.#context.options.issuer
  }

  /** The public client's `client_id`. */
  get clientId(): string {
    return this.#context.options.clientId
  }

  /** {@inheritDoc MockServer.origin} */
  override get origin(): string {
    return this.#context.options.origin
  }

  /** Forgets every session, code, key rotation and switch. */
  reset(): void {
    this.#context = new ProviderContext(this.#context.options)
    this.resetSwitches()
  }

  /**
   * What the provider does with the browser sent to `authorizationUrl` (what `loginWithRedirect()` navigated to): the
   * user signs in at once, and it redirects back. Returns that URL, the callback with `code`, `state` and `iss` (or
   * an `error`); throws (TL811) when it would not redirect at all (unknown client, unregistered redirect URI).
   */
  authorize(authorizationUrl: string): string {
    return authorize(this.#context, this.#endpointUrl(authorizationUrl, 'authorize'))
  }

  /** What the provider does with the browser sent to its end-session endpoint: where it redirects (or `undefined`). */
  endSession(endSessionUrl: string): string | undefined {
    return endSession(this.#context, this.#endpointUrl(endSessionUrl, 'endSession'))
  }

  /** Who signs in at the next authorizations (default: the first user). */
  signInAs(email: string): void {
    this.#context.nextUser = this.#user(email)
  }

  /** Whether (and who) is signed in at the provider itself, for `prompt=none`. */
  get signedInUser(): string | undefined {
    return this.#context.signedIn?.email
  }

  /** The next authorization answers with this OAuth error (e.g. `access_denied`: the user said no). */
  refuseNextAuthorization(error = 'access_denied', description = 'the user refused (a test said so)'): void {
    this.#context.nextError = { error, description }
  }

  /** Signs with a new key from now on; the old ones stay in the JWKS unless `keepOld` is `false`. */
  rotateKeys({ keepOld = true }: { keepOld?: boolean } = {}): void {
    this.#context.keys = [createEs256Signer(), ...(keepOld ? this.#context.keys : [])]
  }

  /** Every session (grant) it started, oldest first. */
  sessions(): readonly MockSession[] {
    return this.#context.book.sessions()
  }

  /** Revokes every grant (of one user): the next refresh is refused with `invalid_grant`. */
  revokeSessions(email?: string): void {
    this.#context.book.revokeAll('revoked-by-test', email === undefined ? undefined : this.#user(email).id)
  }

  /**
   * A page of an app in Node, jsdom or happy-dom, for `createOAuthClient({ environment: page.environment })`: an
   * address bar that follows the app's navigations through this provider (authorization, end-session), its own
   * sessionStorage and localStorage, and a `fetch` that reaches the provider without msw.
   */
  page(url = 'http://localhost/'): ProviderPage {
    return providerPage(this, url)
  }

  /** {@inheritDoc MockServer.now} */
  protected override now(): number {
    return this.#context.options.now()
  }

  /** {@inheritDoc MockServer.wait} */
  protected override wait(ms: number): Promise<void> {
    return this.#context.options.wait(ms)
  }

  /** {@inheritDoc MockServer.routes} */
  protected override routes(): MockRoute<ProviderEndpoint>[] {
    const base = this.#context.options.base
    return (Object.keys(providerPaths) as ProviderEndpoint[]).map((endpoint) => ({ endpoint, method: providerEndpoints[endpoint].method, path: `${base}${providerPaths[endpoint]}` }))
  }

  /** {@inheritDoc MockServer.route} */
  protected override route(request: Request): MockRoute<ProviderEndpoint> | undefined {
    const url = new URL(request.url)
    if (url.origin !== this.origin) return undefined
    return this.routes().find((route) => route.path === url.pathname && route.method === request.method)
  }

  /** {@inheritDoc MockServer.isRefresh} */
  protected override async isRefresh(endpoint: ProviderEndpoint, request: Request): Promise<boolean> {
    if (endpoint !== 'token') return false
    return new URLSearchParams(await request.clone().text()).get('grant_type') === 'refresh_token'
  }

  /** {@inheritDoc MockServer.answer} */
  protected override answer(endpoint: ProviderEndpoint, request: Request, note: (outcome: string) => void): Promise<Response> {
    return providerEndpoints[endpoint].answer(this.#context, request, note)
  }

  #endpointUrl(url: string, endpoint: ProviderEndpoint): URL {
    let parsed: URL | undefined
    try {
      parsed = new URL(url)
    } catch {
      parsed = undefined
    }
    if (!parsed || parsed.origin !== this.origin || parsed.pathname !== `${this.#context.options.base}${providerPaths[endpoint]}`) {
      throw kitError(TypeError, 'TL812', endpoint, describe(url), this.#context.url(providerPaths[endpoint]))
    }
    return parsed
  }

  #user(email: string): KnownUser {
    const user = typeof email === 'string' ? this.#context.users.byEmail(email) : undefined
    if (!user) throw kitError(TypeError, 'TL803', 'email', describe(email))
    return user
  }
}

/**
 * A mock OpenID Connect provider (see {@link MockOidcProvider}): spread it into msw next to your handlers, point
 * `createOAuthClient({ issuer: provider.issuer, clientId: provider.clientId })` at it.
 *
 * @example
 * ```ts
 * const provider = mockOidcProvider({ clientId: 'my-spa' })
 * const page = provider.page('http://localhost/')
 * const oauth = createOAuthClient({ issuer: provider.issuer, clientId: 'my-spa', redirectUri: '/callback', environment: page.environment })
 * await oauth.loginWithRedirect()          // the page is now at /callback?code=…
 * await oauth.handleRedirectCallback()     // signed in, the ID token validated
 * ```
 */
export function mockOidcProvider(options?: MockOidcProviderOptions): MockOidcProvider {
  return new MockOidcProvider(options)
}

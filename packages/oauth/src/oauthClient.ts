import { createAuthClient, oauthWireFormat, TokenlifeError, type AuthClient, type RedirectLogin, type UserClaims } from '@tokenlife/core'
import { authorizationRequest, checkAuthorizationParams, type AuthorizationParams } from './authorize'
import { handleCallback, isCallbackUrl } from './callback'
import { oauthText } from './diagnostics/diagnostic'
import { createDiscovery, type ProviderMetadata } from './discovery'
import { endSessionUrl } from './endSession'
import { normalizeOAuthOptions, type NormalizedOAuthOptions, type OAuthClientOptions } from './options'
import { clientFor, loadProtocol, requestOptions } from './protocol'
import { refreshedIdTokenValidator } from './refreshedIdToken'
import { sameOriginPath } from './returnTo'
import { TransactionStore } from './transactions'

/** Options of {@link OAuthClient.loginWithRedirect}. */
export interface LoginWithRedirectOptions {
  /** Where to come back to after the sign-in: a path on this origin. Default: the page now. */
  returnTo?: string
  /** Parameters of this sign-in (`prompt`, `login_hint`, `scope`, `audience`, `resource`, `acr_values`, …). */
  authorizationParams?: AuthorizationParams
}

/** Options of {@link OAuthClient.logout}. */
export interface OAuthLogoutOptions {
  /** Where the provider sends the user afterwards: a URL on this origin, registered as a post-logout redirect URI. */
  returnTo?: string
  /** Ask the server to end every session of the user (the core's `logout({ everywhere })`). */
  everywhere?: boolean
  /** `false`: end the session here and at the token endpoint only, not the user's sign-in at the provider. */
  endSession?: boolean
}

/**
 * Signs users in at an OpenID Connect provider and holds their session in a tokenlife {@link AuthClient}
 * (`oauth.auth`): after the code exchange the session is an ordinary one (silent refresh, one refresh across tabs,
 * logout everywhere). Create it with {@link createOAuthClient}.
 */
export class OAuthClient implements RedirectLogin {
  /** The session: pass it to `<AuthProvider client>` / `createTokenlife()`, call `getAccessToken()` on it. */
  readonly auth: AuthClient
  readonly #options: NormalizedOAuthOptions
  readonly #metadata: () => Promise<ProviderMetadata>
  readonly #transactions: TransactionStore
  /** Callbacks handled by this page, by URL: a second call for the same URL shares the first one's outcome. */
  readonly #callbacks = new Map<string, Promise<{ returnTo: string }>>()
  /** Those still being handled. */
  readonly #handling = new Set<Promise<unknown>>()

  constructor(options: OAuthClientOptions) {
    const normalized = normalizeOAuthOptions(options)
    this.#options = normalized
    const { issuer, clientId, env, metadata, discoveryCacheMs } = normalized
    this.#metadata = createDiscovery({ issuer, metadata, cacheMs: discoveryCacheMs, env })
    this.#transactions = new TransactionStore(env, normalized.namespace)
    const discovered = this.#metadata
    const { storage, persistAccessToken, timing, logoutTimeoutMs, allowedOrigins, debug, namespace, dpop } = options
    this.auth = createAuthClient({
      // Stand-ins until discovery: the requests go to the endpoints the wire format looks up when it builds them.
      refreshUrl: metadata?.token_endpoint ?? issuer,
      logoutUrl: metadata?.revocation_endpoint ?? issuer,
      oauthClientId: clientId,
      refreshToken: 'storage',
      ...Object.fromEntries(Object.entries({ storage, persistAccessToken, timing, logoutTimeoutMs, allowedOrigins, debug, namespace, dpop }).filter(([, value]) => value !== undefined)),
      ...(normalized.core === undefined ? {} : { environment: normalized.core }),
      wireFormat: {
        buildRefreshRequest: async (context) => oauthWireFormat.buildRefreshRequest({ ...context, url: (await discovered()).token_endpoint! }),
        buildLogoutRequest: async (context) => {
          const { revocation_endpoint: url } = await discovered()
          if (url === undefined) throw new TokenlifeError(oauthText('TL563', issuer), { code: 'TL563' })
          return oauthWireFormat.buildLogoutRequest({ ...context, url })
        },
      },
      validateIdToken: refreshedIdTokenValidator(discovered, { clientId, env }),
    })
  }

  /** The provider's metadata (discovered once per page, cached for the next ones; see `discoveryCacheMs`). */
  metadata(): Promise<ProviderMetadata> {
    return this.#metadata()
  }

  /**
   * Sends the user to the provider to sign in: authorization code with PKCE (S256), `state` and `nonce`, and the
   * pass-through `authorizationParams`. The transaction (verifier, state, nonce, `returnTo`) is kept in this tab's
   * sessionStorage until the callback uses it. Rejects with a `ReturnToError` for a `returnTo` on another origin and
   * a `TypeError` for bad parameters, before anything is stored. While this page handles a callback it waits for it,
   * and does not leave if that signed the user in.
   */
  async loginWithRedirect(options: LoginWithRedirectOptions = {}): Promise<void> {
    const { env, clientId, scope, redirectUri } = this.#options
    const page = env.pageUrl()
    const returnTo = sameOriginPath(options.returnTo ?? page, page)
    const params = { ...this.#options.authorizationParams, ...checkAuthorizationParams(options.authorizationParams) }
    if (this.#handling.size > 0) {
      // A guard that saw no session while this page's callback was being handled: the callback decides.
      await Promise.allSettled(this.#handling)
      if (this.auth.getState().status === 'authenticated') return
    }
    // DPoP: the new session's key, made (and stored for every tab) before the user leaves; its thumbprint is dpop_jkt.
    const [o, as, key] = await Promise.all([loadProtocol(), this.#metadata(), this.auth.dpop?.createKey()])
    const { url, transaction } = await authorizationRequest(o, as, {
      clientId,
      redirectUri: new URL(redirectUri, page).href,
      scope,
      returnTo,
      params,
      now: env.now(),
      ...(key ? { dpopJkt: key.jkt } : {}),
    })
    await this.#transactions.begin(transaction)
    env.navigate(url.href)
  }

  /** Whether `url` (default: the page's) is a callback: it carries `code`, `error` or `state`. */
  isRedirectCallback(url?: string): boolean {
    return isCallbackUrl(url ?? this.#options.env.pageUrl())
  }

  /**
   * Finishes a sign-in on the redirect URI: checks `state` against this tab's transaction and the RFC 9207 `iss`,
   * exchanges the code, has the ID token validated (signature from the JWKS, `iss`, `aud`, `azp`, `exp`, `iat`,
   * `nonce`), hands the tokens to the session (every tab is signed in), removes `code` and `state` from the address
   * bar, and resolves with `{ returnTo }` (a path on this origin). A refusal rejects with the typed error that says
   * why, and stores nothing: a session that existed is untouched. Two calls for the same URL (React StrictMode) make
   * one exchange and share its outcome.
   *
   * @example
   * ```ts
   * try {
   *   const { returnTo } = await oauth.handleRedirectCallback()
   *   router.replace(returnTo)
   * } catch (error) {
   *   // Signed in already (a reload of the callback page): carry on.
   *   if (isCallbackReplayError(error) && oauth.auth.getState().status === 'authenticated') router.replace('/')
   *   else if (isAuthorizationError(error) && error.error === 'access_denied') showSignIn('Sign-in cancelled')
   *   else showSignIn(`Sign-in failed (${isTokenlifeError(error) ? error.code : 'unknown error'})`)
   * }
   * ```
   */
  handleRedirectCallback(url?: string): Promise<{
    /** Where to go now: the `returnTo` of the sign-in (default: the page it began on), a path on this origin. */
    returnTo: string
  }> {
    const { env, clientId } = this.#options
    const href = url ?? env.pageUrl()
    let handling = this.#callbacks.get(href)
    if (!handling) {
      handling = handleCallback(href, { env, clientId, auth: this.auth, metadata: this.#metadata, transactions: this.#transactions })
      this.#callbacks.set(href, handling)
      const inFlight = handling
      this.#handling.add(inFlight)
      const done = () => void this.#handling.delete(inFlight)
      inFlight.then(done, done)
    }
    return handling
  }

  /**
   * Ends the session (the core's logout: every tab, storage cleared, the refresh token revoked at the provider),
   * then, when the provider has an `end_session_endpoint`, sends the user there to end their sign-in at the provider
   * too (RP-initiated logout, with `id_token_hint`, `client_id` and `post_logout_redirect_uri`). Without one it goes
   * to `returnTo`, if given. Rejects with a `ReturnToError` for a `returnTo` on another origin, before anything.
   */
  async logout(options: OAuthLogoutOptions = {}): Promise<void> {
    const { env, postLogoutRedirectUri, clientId } = this.#options
    const page = env.pageUrl()
    const returnTo = options.returnTo === undefined ? undefined : new URL(sameOriginPath(options.returnTo, page), page).href
    const idToken = this.auth.getState().idToken
    const ended = this.auth.logout({ everywhere: options.everywhere === true })
    const as = options.endSession === false ? undefined : await this.#metadata().catch(() => undefined)
    await ended
    const target = as && endSessionUrl(as, { clientId, idToken, postLogoutRedirectUri: returnTo ?? postLogoutRedirectUri })
    if (target) env.navigate(target)
    else if (returnTo) env.navigate(returnTo)
  }

  /**
   * The user's claims from the provider's userinfo endpoint (with the session's access token), checked to be the
   * signed-in user's (`sub`). For claims the ID token does not carry; `auth.getState().user` has the ID token's.
   */
  async fetchUserInfo(): Promise<UserClaims> {
    const { env, clientId } = this.#options
    const accessToken = await this.auth.getAccessToken()
    const [o, as] = await Promise.all([loadProtocol(), this.#metadata()])
    const expected = this.auth.getState().user?.sub ?? o.skipSubjectCheck
    // DPoP: the request is signed with the session's key (oauth4webapi's handle), a nonce asked for is sent once more.
    const key = await this.auth.dpop?.key()
    const options = { ...requestOptions(o, env, as.issuer, this.auth), ...(key ? { DPoP: o.DPoP(clientFor(o, clientId), key.keyPair) } : {}) }
    for (let attempt = 0; ; attempt++) {
      const response = await o.userInfoRequest(as, { client_id: clientId }, accessToken, options)
      try {
        return (await o.processUserInfoResponse(as, clientFor(o, clientId, response), expected, response)) as UserClaims
      } catch (error) {
        if (!key || attempt > 0 || !o.isDPoPNonceError(error)) throw error
      }
    }
  }
}

/**
 * Creates the OAuth client and the session it holds (`oauth.auth`, a core `AuthClient` in storage mode, its refresh
 * token in IndexedDB by default, refreshing at the provider's token endpoint). Safe during server-side rendering and
 * at module level: nothing is fetched and no global is touched until a call needs it.
 *
 * @example
 * ```ts
 * import { createOAuthClient } from '@tokenlife/oauth'
 *
 * export const oauth = createOAuthClient({ issuer: 'https://id.example.com', clientId: 'my-spa', redirectUri: '/callback' })
 * export const auth = oauth.auth
 *
 * // sign-in button: await oauth.loginWithRedirect({ returnTo: '/account' })
 * // on /callback:    const { returnTo } = await oauth.handleRedirectCallback(); navigate(returnTo)
 * ```
 *
 * @throws TypeError when an option is missing or invalid; the message names it.
 */
export function createOAuthClient(options: OAuthClientOptions): OAuthClient {
  return new OAuthClient(options)
}

/**
 * Options of a sign-in at an OpenID Connect provider (`@tokenlife/oauth`'s `loginWithRedirect`).
 *
 * @example
 * ```ts
 * const options: RedirectLoginOptions = { returnTo: '/account', authorizationParams: { prompt: 'login' } }
 * ```
 */
export interface RedirectLoginOptions {
  /** Where to come back to after the sign-in: a path on this origin. */
  returnTo?: string
  /** Parameters of the authorization request (`prompt`, `login_hint`, `scope`, `audience`, `resource`, …). */
  authorizationParams?: Record<string, string | string[] | number | undefined>
}

/**
 * A sign-in at an OpenID Connect provider by redirect, by shape: what the bindings (`<AuthProvider oauth>`,
 * `createTokenlife(auth, { oauth })`) call, and what `@tokenlife/oauth`'s `OAuthClient` implements. A type only: the
 * core and the bindings import no OAuth code, so an app that signs in another way loads none.
 *
 * @example
 * ```tsx
 * const oauth: RedirectLogin = createOAuthClient({ issuer, clientId, redirectUri: '/callback' })
 * ```
 */
export interface RedirectLogin {
  /** Sends the user to the provider to sign in; comes back to `returnTo` through the redirect URI. */
  loginWithRedirect(options?: RedirectLoginOptions): Promise<void>
  /**
   * Finishes the sign-in on the redirect URI (`url`, default the page's): the session is signed in, or the promise
   * rejects with the typed refusal.
   */
  handleRedirectCallback(url?: string): Promise<{
    /** Where to go now: the `returnTo` of the sign-in, a path on this origin. */
    returnTo: string
  }>
  /** Ends the session everywhere, then at the provider (RP-initiated logout, back to `returnTo`). */
  logout(options?: { returnTo?: string; everywhere?: boolean; endSession?: boolean }): Promise<void>
}

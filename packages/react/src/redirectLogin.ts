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
 * What the bindings need of `@tokenlife/oauth`'s `OAuthClient`, by shape: the binding imports none of its code, so an
 * app that signs in another way loads none. Pass the OAuth client to `<AuthProvider oauth={oauth}>`.
 *
 * @example
 * ```tsx
 * const oauth: RedirectLogin = createOAuthClient({ issuer, clientId, redirectUri: '/callback' })
 * ```
 */
export interface RedirectLogin {
  loginWithRedirect(options?: RedirectLoginOptions): Promise<void>
  handleRedirectCallback(url?: string): Promise<{ returnTo: string }>
  /** Ends the session everywhere, then at the provider (RP-initiated logout, back to `returnTo`). */
  logout(options?: { returnTo?: string; everywhere?: boolean; endSession?: boolean }): Promise<void>
}

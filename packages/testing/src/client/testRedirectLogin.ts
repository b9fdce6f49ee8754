import type { AuthClient, RedirectLogin, RedirectLoginOptions } from '@tokenlife/core'

/** A call the app made to the OAuth client, as {@link TestRedirectLogin} records it. */
export type RedirectCall =
  | {
      /** `loginWithRedirect()`. */
      type: 'loginWithRedirect'
      /** Where the app asked to come back to. */
      returnTo: string | undefined
      /** The authorization parameters it passed. */
      authorizationParams: RedirectLoginOptions['authorizationParams']
    }
  | {
      /** `handleRedirectCallback()`. */
      type: 'handleRedirectCallback'
      /** The URL it was given, if any. */
      url: string | undefined
    }
  | {
      /** `logout()`. */
      type: 'logout'
      /** Where the app asked the provider to send the user. */
      returnTo: string | undefined
      /** Whether every session of the user was to end. */
      everywhere: boolean
      /** Whether the provider's session was to end too (`endSession` not `false`). */
      endSession: boolean
    }

/**
 * What `@tokenlife/oauth`'s `OAuthClient` is to the bindings (`<AuthProvider oauth>`, `createTokenlife(auth, { oauth
 * })`), for component tests: `loginWithRedirect()` signs the scripted user in at once (as if they had come back from
 * the provider), `logout()` ends the session; both record the call (`calls`) instead of leaving the page. To test
 * the redirect flow itself, use `@tokenlife/oauth` against {@link mockOidcProvider}.
 */
export class TestRedirectLogin implements RedirectLogin {
  /** Every call, oldest first. */
  readonly calls: RedirectCall[] = []
  readonly #auth: AuthClient
  readonly #credentials: { email: string; password: string }
  readonly #drive: <T>(promise: Promise<T>) => Promise<T>
  #returnTo = '/'

  constructor(auth: AuthClient, credentials: { email: string; password: string }, drive: <T>(promise: Promise<T>) => Promise<T>) {
    this.#auth = auth
    this.#credentials = credentials
    this.#drive = drive
  }

  /** Records the call and signs the user in (through the client's login endpoint) unless they are signed in. */
  async loginWithRedirect(options: RedirectLoginOptions = {}): Promise<void> {
    this.calls.push({ type: 'loginWithRedirect', returnTo: options.returnTo, authorizationParams: options.authorizationParams })
    this.#returnTo = options.returnTo ?? '/'
    if (this.#auth.getState().status !== 'authenticated') await this.#drive(this.#auth.login(this.#credentials))
  }

  /** Records the call; resolves with the `returnTo` of the last sign-in (default `/`). */
  async handleRedirectCallback(url?: string): Promise<{
    /** Where the sign-in asked to come back to. */
    returnTo: string
  }> {
    this.calls.push({ type: 'handleRedirectCallback', url })
    return { returnTo: this.#returnTo }
  }

  /** Records the call and logs out (every tab, revocation); there is no provider to send the user to. */
  async logout(options: { returnTo?: string; everywhere?: boolean; endSession?: boolean } = {}): Promise<void> {
    this.calls.push({ type: 'logout', returnTo: options.returnTo, everywhere: options.everywhere === true, endSession: options.endSession !== false })
    await this.#drive(this.#auth.logout({ everywhere: options.everywhere === true }))
  }
}

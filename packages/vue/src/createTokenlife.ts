import type { AuthClient, RedirectLogin } from '@tokenlife/core'
import type { App, InjectionKey, Plugin } from 'vue'

/** Where the plugin provides the client. Internal: read it with `useAuth()` or `useAuthClient()`. */
export const authClientKey: InjectionKey<AuthClient> = Symbol('tokenlife')

/** Where the plugin provides the OAuth client, if it was given one. Internal. */
export const oauthKey: InjectionKey<RedirectLogin | undefined> = Symbol('tokenlife-oauth')

/**
 * The Vue plugin: provides `client` (and `options.oauth`, the `OAuthClient` of `@tokenlife/oauth`, for
 * `loginWithRedirect`) to `useAuth()`, and in the browser starts it (never during server-side
 * rendering). Starting is idempotent, so several apps (or a remounted one) given one client make one request.
 *
 * The plugin never destroys the client: whoever called `createAuthClient()` owns it. `app.unmount()` ends the
 * components' subscriptions, and the client keeps its session (and its refresh timer) for the next app that uses
 * it; call `client.destroy()` yourself when the page is done with it.
 *
 * @example
 * ```ts
 * import { createAuthClient, createTokenlife } from '@tokenlife/vue'
 *
 * const auth = createAuthClient({ refreshUrl: '/auth/refresh', loginUrl: '/auth/login' })
 * createApp(App).use(createTokenlife(auth)).mount('#app')
 * // or, signing in at an OpenID Connect provider (@tokenlife/oauth):
 * const oauth = createOAuthClient({ issuer, clientId, redirectUri: '/callback' })
 * createApp(App).use(createTokenlife(oauth.auth, { oauth })).mount('#app')
 * ```
 */
export function createTokenlife(client: AuthClient, options: { oauth?: RedirectLogin } = {}): Plugin {
  return {
    install(app: App) {
      app.provide(authClientKey, client)
      app.provide(oauthKey, options.oauth)
      if (typeof window !== 'undefined') void client.start()
    },
  }
}

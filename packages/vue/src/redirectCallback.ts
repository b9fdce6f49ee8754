import type { RedirectLogin } from '@tokenlife/core'

/**
 * A vue-router `beforeEnter` guard for the redirect URI's route: finishes the sign-in (`oauth.handleRedirectCallback()`
 * on the page's URL) and sends the user on to where they were going (`returnTo`). A refused callback (the typed
 * error of `@tokenlife/oauth`) goes to `onError`, whose answer is the navigation's (a location, or `false`); without
 * it the navigation fails with the error (`router.onError`). On the server it lets the navigation through.
 *
 * @example
 * ```ts
 * const routes = [
 *   { path: '/callback', component: Empty, beforeEnter: redirectCallback(oauth, { onError: (error) => ({ path: '/', query: { failed: String(error) } }) }) },
 * ]
 * ```
 */
export function redirectCallback<R = never>(
  oauth: RedirectLogin,
  options: { onError?: (error: unknown) => R | false } = {},
): () => Promise<true | string | R | false> {
  return async () => {
    if (typeof window === 'undefined') return true
    try {
      return (await oauth.handleRedirectCallback()).returnTo
    } catch (error) {
      if (options.onError) return options.onError(error)
      throw error
    }
  }
}

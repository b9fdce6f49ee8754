import type { AuthClient } from '@tokenlife/core'
import { hasInjectionContext, inject } from 'vue'
import { authClientKey } from './createTokenlife'

/**
 * The client the plugin provides, for what `useAuth()` does not cover (`refresh()`, `onEvent()`, `setTokens()`).
 * Call it in `setup()`. Throws when the plugin is not installed.
 *
 * @example
 * ```ts
 * const auth = useAuthClient()
 * onScopeDispose(auth.onEvent((event) => console.debug(event)))
 * ```
 */
export function useAuthClient(): AuthClient {
  const client = hasInjectionContext() ? inject(authClientKey, null) : null
  if (client === null) {
    throw new Error(
      hasInjectionContext()
        ? 'tokenlife: no client provided. Install the plugin where you create the app: ' +
            'app.use(createTokenlife(auth)) (auth = createAuthClient({ ... })).'
        : 'tokenlife: useAuth() and useAuthClient() must be called inside setup() (or app.runWithContext()).',
    )
  }
  return client
}

import type { AuthClient } from '@tokenlife/core'
import { hasInjectionContext, inject } from 'vue'
import { authClientKey } from './createTokenlife'
import { codedError } from './diagnostics/diagnostic'

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
  if (client === null) throw codedError(Error, hasInjectionContext() ? 'TL711' : 'TL712')
  return client
}

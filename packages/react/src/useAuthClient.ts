import type { AuthClient } from '@tokenlife/core'
import { useContext } from 'react'
import { AuthContext } from './authContext'
import { codedError } from './diagnostics/diagnostic'

/**
 * The client given to the nearest `<AuthProvider>`, for what `useAuth()` does not cover (`refresh()`, `onEvent()`,
 * `setTokens()`). Throws when there is no provider above.
 *
 * @example
 * ```tsx
 * const auth = useAuthClient()
 * useEffect(() => auth.onEvent((event) => console.debug(event)), [auth])
 * ```
 */
export function useAuthClient(): AuthClient {
  const client = useContext(AuthContext)
  if (client === null) throw codedError(Error, 'TL701')
  return client
}

'use client'
import type { AuthClient } from '@tokenlife/core'
import { useEffect, type ReactNode } from 'react'
import { AuthContext } from './authContext'

/**
 * Props of {@link AuthProvider}.
 *
 * @example
 * ```tsx
 * 'use client' // Next.js app router: a client component that layout.tsx renders around its children
 * import { auth } from './auth'
 *
 * export function Providers({ children }: Pick<AuthProviderProps, 'children'>) {
 *   return <AuthProvider client={auth}>{children}</AuthProvider>
 * }
 * ```
 */
export interface AuthProviderProps {
  /** The client made with `createAuthClient()`, usually once per app at module level. */
  client: AuthClient
  children?: ReactNode
}

/**
 * Makes `client` available to `useAuth()` and friends, and starts it once mounted in the browser (never during
 * server rendering). Starting is idempotent, so StrictMode's double effects and remounts make one request.
 * The provider never destroys the client: the app created it and owns it.
 *
 * @example
 * ```tsx
 * const auth = createAuthClient({ refreshUrl: '/auth/refresh', loginUrl: '/auth/login' })
 *
 * createRoot(root).render(
 *   <AuthProvider client={auth}>
 *     <App />
 *   </AuthProvider>,
 * )
 * ```
 */
export function AuthProvider({ client, children }: AuthProviderProps) {
  useEffect(() => {
    void client.start()
  }, [client])
  return <AuthContext.Provider value={client}>{children}</AuthContext.Provider>
}

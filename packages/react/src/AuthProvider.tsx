'use client'
import type { AuthClient } from '@tokenlife/core'
import { useEffect, type ReactNode } from 'react'
import type { RedirectLogin } from '@tokenlife/core'
import { AuthContext, OAuthContext } from './authContext'
import { codedError } from './diagnostics/diagnostic'

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
  /** The client made with `createAuthClient()` (or `oauth.auth`), usually once per app at module level. */
  client: AuthClient
  /**
   * The `OAuthClient` from `@tokenlife/oauth` (`createOAuthClient()`), for `loginWithRedirect`, `<RequireAuth
   * loginWithRedirect>`, `withAuthenticationRequired` and `useRedirectCallback`. Its `auth` is `client`.
   */
  oauth?: RedirectLogin
  /** The app, or the part of it that uses the session. */
  children?: ReactNode
}

const isFunction = (value: unknown) => typeof value === 'function'

/**
 * Throws a `TypeError` (TL702) unless `client` looks like an `AuthClient`; in development its message names the prop
 * the client was given under.
 */
function checkClient(client: unknown, props: object): void {
  const candidate = client as Partial<Record<'start' | 'subscribe' | 'getState', unknown>> | null | undefined
  if (
    typeof candidate === 'object' &&
    candidate !== null &&
    isFunction(candidate.start) &&
    isFunction(candidate.subscribe) &&
    isFunction(candidate.getState)
  ) {
    return
  }
  throw codedError(TypeError, 'TL702', client, Object.keys(props).filter((name) => !['client', 'children', 'oauth'].includes(name)))
}

/**
 * Makes `client` available to `useAuth()` and friends, and starts it once mounted in the browser (never during
 * server rendering). Starting is idempotent, so StrictMode's double effects and remounts make one request.
 * The provider never destroys the client: whoever called `createAuthClient()` owns it. Unmounting ends the
 * components' subscriptions and the client keeps its session for the next provider; call `client.destroy()`
 * yourself when the page is done with it. Rendering it without an `AuthClient` in `client` (e.g.
 * `<AuthProvider auth={auth}>`) throws a `TypeError` that names the prop.
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
export function AuthProvider(props: AuthProviderProps) {
  const { client, oauth, children } = props
  checkClient(client, props)
  useEffect(() => {
    void client.start()
  }, [client])
  return (
    <AuthContext.Provider value={client}>
      <OAuthContext.Provider value={oauth}>{children}</OAuthContext.Provider>
    </AuthContext.Provider>
  )
}

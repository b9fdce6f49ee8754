'use client'
import type { AuthClient } from '@tokenlife/core'
import { useEffect, type ReactNode } from 'react'
import { AuthContext, OAuthContext } from './authContext'
import type { RedirectLogin } from '@tokenlife/core'

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
  children?: ReactNode
}

function describeValue(value: unknown): string {
  if (value === null || value === undefined) return String(value)
  return typeof value === 'object' ? 'an object that is not an AuthClient' : `${typeof value} ${String(value)}`
}

/** Throws a `TypeError` that names the `client` prop unless `client` looks like an `AuthClient`. */
function checkClient(client: unknown, props: object): void {
  const methods = client as Partial<Record<string, unknown>> | null | undefined
  if (['start', 'subscribe', 'getState'].every((name) => typeof methods?.[name] === 'function')) return
  const others = Object.keys(props).filter((name) => !['client', 'children', 'oauth'].includes(name))
  const hint = others.includes('auth')
    ? ' The prop is called `client`, not `auth`.'
    : others.length > 0
      ? ` ${others.join(', ')} ${others.length === 1 ? 'is not a prop' : 'are not props'} of <AuthProvider>.`
      : ''
  throw new TypeError(`tokenlife: <AuthProvider> needs the AuthClient in its \`client\` prop, got ${describeValue(client)}.${hint} Write <AuthProvider client={auth}> (auth = createAuthClient({ ... })).`)
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

import type { AuthClient } from '@tokenlife/core'
import { createContext, useContext } from 'react'
import type { RedirectLogin } from '@tokenlife/core'

/** Carries the client given to `<AuthProvider>`; `null` when there is no provider above. Internal. */
export const AuthContext = createContext<AuthClient | null>(null)

/** Carries the OAuth client given to `<AuthProvider oauth>`; `null` without one. Internal. */
export const OAuthContext = createContext<RedirectLogin | null | undefined>(null)

/** The error for a sign-in at the provider without an OAuth client in `<AuthProvider oauth>`. Internal. */
export const noOAuth = () => new Error('tokenlife: no OAuth client: pass it as <AuthProvider oauth={oauth}>')

/** The OAuth client of the nearest `<AuthProvider oauth>`; throws {@link noOAuth} without one. Internal. */
export function useOAuth() {
  const oauth = useContext(OAuthContext)
  if (!oauth) throw noOAuth()
  return oauth
}

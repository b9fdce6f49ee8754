import type { AuthClient, RedirectLogin } from '@tokenlife/core'
import { createContext, useContext } from 'react'
import { codedError } from './diagnostics/diagnostic'

/** Carries the client given to `<AuthProvider>`; `null` when there is no provider above. Internal. */
export const AuthContext = createContext<AuthClient | null>(null)

/** Carries the OAuth client given to `<AuthProvider oauth>`; `null` without one. Internal. */
export const OAuthContext = createContext<RedirectLogin | null | undefined>(null)

/** `oauth`, or the error that says to give `<AuthProvider>` one. Internal. */
export function needOAuth(oauth: RedirectLogin | null | undefined): RedirectLogin {
  if (!oauth) throw codedError(Error, 'TL703')
  return oauth
}

/** The OAuth client of the nearest `<AuthProvider oauth>`; throws without one. Internal. */
export const useOAuth = () => needOAuth(useContext(OAuthContext))

import { useEffect, useState } from 'react'
import { useOAuth } from './authContext'

/**
 * Finishes a sign-in on the redirect URI route: hands the page's URL to `oauth.handleRedirectCallback()` once
 * mounted, and returns `{ returnTo }` when it succeeded or `{ error }` (the typed refusal) when it did not; `{}`
 * meanwhile. StrictMode's second effect shares the first one's exchange. Throws without `<AuthProvider oauth>`.
 *
 * @example
 * ```tsx
 * function Callback() {
 *   const { returnTo, error } = useRedirectCallback()
 *   if (error) return <p>Sign-in failed: {error.message}</p>
 *   return returnTo ? <Navigate to={returnTo} replace /> : <Spinner />
 * }
 * ```
 */
export function useRedirectCallback(): {
  /** Where to go now that the user is signed in (a path on this origin); `undefined` until then. */
  returnTo?: string
  /** Why the sign-in was refused (`CallbackStateError`, `IdTokenError`, …); `undefined` unless it was. */
  error?: Error
} {
  const oauth = useOAuth()
  const [outcome, setOutcome] = useState<{ returnTo?: string; error?: Error }>({})
  useEffect(() => {
    // (Setting the state of an unmounted component is a no-op: StrictMode's first, unmounted run needs no guard.)
    oauth.handleRedirectCallback().then(setOutcome, (error: Error) => setOutcome({ error }))
  }, [oauth])
  return outcome
}

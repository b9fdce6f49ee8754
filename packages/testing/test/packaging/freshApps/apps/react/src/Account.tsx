import { isNetworkError, useAuth } from '@tokenlife/react'

/** The component under test: what a user sees of their session. */
export function Account() {
  const { status, reason, error, claims, logout } = useAuth()
  if (status === 'initializing') return <p>Loading…</p>
  if (status === 'unauthenticated') {
    return <p role="status">{reason === 'revoked' ? 'Your session has ended. Please sign in again.' : 'Please sign in.'}</p>
  }
  return (
    <div>
      <p>Signed in as {String(claims.name)}</p>
      {isNetworkError(error) && <p role="alert">You are offline. We will retry.</p>}
      <button onClick={() => void logout()}>Sign out</button>
    </div>
  )
}

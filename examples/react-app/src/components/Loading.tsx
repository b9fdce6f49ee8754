import { useAuthState } from '@tokenlife/react'

/** While the client restores the session; a transient failure (server down, offline) keeps it here, retrying. */
export function Loading() {
  const error = useAuthState((state) => state.error)
  return (
    <section className="card narrow center" data-testid="loading">
      <div className="spinner" aria-hidden="true" />
      <p className="muted">Restoring your session…</p>
      {error && (
        <p className="error" data-testid="loading-error">
          {error.message}. Retrying.
        </p>
      )}
    </section>
  )
}

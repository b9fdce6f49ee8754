import { useRedirectCallback } from '@tokenlife/react'
import { useEffect } from 'react'
import { navigate } from './router'

/** The redirect URI: finishes the sign-in, then goes where the user was going. */
export function Callback() {
  const { returnTo, error } = useRedirectCallback()
  useEffect(() => {
    if (returnTo !== undefined) navigate(returnTo, { replace: true })
  }, [returnTo])
  if (!error) return <section className="card center">Finishing the sign-in…</section>
  return (
    <section className="card narrow" data-testid="callback-error">
      <h2>The sign-in was refused</h2>
      <p>
        <code>{error.name}</code>: {error.message}
      </p>
      <div className="actions">
        <button className="button primary" onClick={() => navigate('/', { replace: true })}>
          Back to the app
        </button>
      </div>
    </section>
  )
}

import { useAuth, useAuthClient } from '@tokenlife/react'
import { initials } from '@tokenlife/example-app-shared/format'
import { Countdown } from './Countdown'

export function SessionCard() {
  const auth = useAuthClient()
  const { claims, expiresAt, error, logout } = useAuth()
  if (!claims || expiresAt === undefined) return null
  const name = typeof claims.name === 'string' ? claims.name : (claims.sub ?? 'Signed in')
  const email = typeof claims.email === 'string' ? claims.email : ''

  return (
    <section className="card">
      <div className="user">
        <span className="avatar" aria-hidden="true">
          {initials(name)}
        </span>
        <div>
          <div className="user-name" data-testid="user-name">
            {name}
          </div>
          <div className="muted" data-testid="user-email">
            {email}
          </div>
        </div>
      </div>
      <Countdown expiresAt={expiresAt} claims={claims} />
      {error && (
        <p className="error" data-testid="session-error">
          Last refresh failed: {error.message}. Retrying; the session is kept.
        </p>
      )}
      <div className="button-grid">
        <button className="button" onClick={() => auth.refresh().catch(() => {})} data-testid="refresh-now">
          Refresh now
        </button>
        <button className="button" onClick={() => window.open(location.href, '_blank')} data-testid="open-tab">
          Open another tab ↗
        </button>
        <button className="button danger-outline" onClick={() => void logout()} data-testid="logout">
          Log out
        </button>
        <button
          className="button danger"
          onClick={() => void logout({ everywhere: true })}
          data-testid="logout-everywhere"
        >
          Log out everywhere
        </button>
      </div>
    </section>
  )
}

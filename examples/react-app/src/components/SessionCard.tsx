import { useAuth, useAuthClient } from '@tokenlife/react'
import { clock, initials } from '@tokenlife/example-app-shared/format'
import { Countdown } from './Countdown'

export function SessionCard() {
  const auth = useAuthClient()
  const { claims, expiresAt, sessionEndsAt, error, logout } = useAuth()
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
      {sessionEndsAt !== undefined && (
        <p className="muted small" data-testid="session-ends" data-session-ends-at={sessionEndsAt}>
          The server ends this session on {new Date(sessionEndsAt).toLocaleDateString('en-GB')} at {clock(sessionEndsAt)} (sign in again
          after that).
        </p>
      )}
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

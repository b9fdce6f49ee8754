import { useAuth, useAuthState } from '@tokenlife/react'
import { reasonText, statusLabel } from '@tokenlife/example-app-shared/format'
import { Account } from './Account'
import { Callback } from './Callback'
import { config } from './config'
import { navigate, usePath } from './router'

function StatusPill() {
  const status = useAuthState((state) => state.status)
  return (
    <span className={`pill pill-${status}`} data-testid="status-pill" data-status={status}>
      <span className="dot" aria-hidden="true" />
      {statusLabel[status]}
    </span>
  )
}

/** The home page: sign in at the provider, or go to the account page. */
function Home() {
  const { status, reason, isAuthenticated, user, loginWithRedirect } = useAuth()
  if (status === 'initializing') return <section className="card center">Restoring the session…</section>
  if (isAuthenticated) {
    return (
      <section className="card narrow">
        <h2>Welcome back, {user?.name ?? user?.sub}</h2>
        <div className="actions">
          <button className="button primary" onClick={() => navigate('/account')}>
            Your account
          </button>
        </div>
      </section>
    )
  }
  const why = reasonText[reason ?? 'no_session']
  return (
    <section className="card narrow" data-testid="sign-in">
      <h2>{why.title}</h2>
      <p className="muted">
        Sign in at the OpenID Connect provider ({config.issuer}): any login name and password. You come back here with a
        validated ID token, and every open tab is signed in with you.
      </p>
      <div className="actions">
        <button className="button primary" onClick={() => void loginWithRedirect({ returnTo: '/account' })} data-testid="login">
          Sign in
        </button>
        <button className="button" onClick={() => navigate('/account')}>
          Go to the account page (sends you to sign in)
        </button>
      </div>
    </section>
  )
}

export function App() {
  const path = usePath()
  return (
    <div className="page">
      <header className="header">
        <div className="brand">
          <div className="logo">tl</div>
          <div>
            <h1>tokenlife · OpenID Connect</h1>
            <p className="muted small">@tokenlife/oauth and @tokenlife/react against a local oidc-provider</p>
          </div>
        </div>
        <StatusPill />
      </header>
      <main>{path === '/callback' ? <Callback /> : path === '/account' ? <Account /> : <Home />}</main>
      <footer className="footer">
        tokenlife example · <code>examples/oidc-app</code> · the provider is <code>examples/oidc-provider</code>
      </footer>
    </div>
  )
}

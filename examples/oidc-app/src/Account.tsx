import { useAuth, withAuthenticationRequired } from '@tokenlife/react'
import { useState } from 'react'
import { oauth } from './auth'
import { useAuthFetch } from './useAuthFetch'

/** Who is signed in (the validated ID token's claims), the session, and calls made with its access token. */
function AccountPage() {
  const { user, expiresAt, logout } = useAuth()
  const authFetch = useAuthFetch()
  const [api, setApi] = useState<string>()
  const [userInfo, setUserInfo] = useState<string>()
  const callApi = async () => {
    const response = await authFetch('/api/me')
    setApi(`${response.status} ${response.ok ? await response.text() : response.statusText}`)
  }
  const readUserInfo = () => oauth.fetchUserInfo().then((claims) => setUserInfo(JSON.stringify(claims, null, 2)), (error: Error) => setUserInfo(`${error.name}: ${error.message}`))
  return (
    <div className="grid">
      <section className="card" data-testid="profile">
        <div className="card-head">
          <h2>{user?.name ?? user?.sub}</h2>
          <span className="muted small">{user?.email}</span>
        </div>
        <p className="muted small">
          From the ID token (signature, issuer, audience, expiry and nonce checked): <code>sub</code> {user?.sub}, issued by{' '}
          <code>{user?.iss}</code>. The access token expires at {expiresAt ? new Date(expiresAt).toLocaleTimeString() : '—'}; it is
          refreshed before then, once for every tab.
        </p>
        <div className="actions">
          <button className="button" onClick={() => void callApi()} data-testid="call-api">
            Call the API
          </button>
          <button className="button" onClick={() => void readUserInfo()}>
            Fetch userinfo
          </button>
          <a className="button" href="/account" target="_blank" rel="noreferrer">
            Open another tab
          </a>
        </div>
        {api && <pre data-testid="api-result">GET /api/me → {api}</pre>}
        {userInfo && <pre>{userInfo}</pre>}
      </section>
      <section className="card">
        <h2>Sign out</h2>
        <p className="muted small">
          Every tab of this browser signs out at once, the refresh token is revoked at the provider, and the provider ends your
          sign-in there too (RP-initiated logout).
        </p>
        <div className="actions">
          <button className="button danger" onClick={() => void logout({ returnTo: '/' })} data-testid="logout">
            Sign out
          </button>
          <button className="button danger-outline" onClick={() => void logout({ endSession: false })}>
            Sign out of this app only
          </button>
        </div>
      </section>
    </div>
  )
}

/** The account page needs a session: a visitor without one goes to the provider and comes back here. */
export const Account = withAuthenticationRequired(AccountPage, { loading: <section className="card center">Loading…</section> })

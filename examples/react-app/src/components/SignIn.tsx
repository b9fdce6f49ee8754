import { isLoginError, useAuth } from '@tokenlife/react'
import { useState, type FormEvent } from 'react'
import { errorText, reasonText } from '@tokenlife/example-app-shared/format'
import { DemoTips } from './DemoTips'

const DEMO = { email: 'demo@tokenlife.dev', password: 'demo-password' }

export function SignIn() {
  const { reason, login } = useAuth()
  const [email, setEmail] = useState('')
  const [password, setPassword] = useState('')
  const [error, setError] = useState<string>()
  const [busy, setBusy] = useState(false)
  const why = reason ? reasonText[reason] : undefined

  async function submit(event: FormEvent) {
    event.preventDefault()
    setBusy(true)
    setError(undefined)
    try {
      await login({ email, password })
    } catch (caught) {
      setError(isLoginError(caught) ? (caught.description ?? caught.message) : errorText(caught))
    } finally {
      setBusy(false)
    }
  }

  return (
    <div className="grid">
      <section className="card">
        {why && (
          <div className={`notice notice-${why.tone}`} data-testid="signed-out-reason" data-reason={reason}>
            <strong>{why.title}</strong>
            <p>{why.text}</p>
          </div>
        )}
        <h2>Sign in</h2>
        <form className="form" onSubmit={submit} data-testid="login-form">
          <label>
            Email
            <input
              type="email"
              autoComplete="username"
              required
              value={email}
              onChange={(e) => setEmail(e.target.value)}
              data-testid="login-email"
            />
          </label>
          <label>
            Password
            <input
              type="password"
              autoComplete="current-password"
              required
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              data-testid="login-password"
            />
          </label>
          {error && (
            <p className="error" role="alert" data-testid="login-error">
              {error}
            </p>
          )}
          <button className="button primary" type="submit" disabled={busy} data-testid="login-submit">
            {busy ? 'Signing in…' : 'Sign in'}
          </button>
        </form>
        <p className="hint">
          Demo account: <code>{DEMO.email}</code> / <code>{DEMO.password}</code>
          <button
            type="button"
            className="link"
            onClick={() => {
              setEmail(DEMO.email)
              setPassword(DEMO.password)
            }}
            data-testid="login-fill-demo"
          >
            fill in
          </button>
        </p>
      </section>
      <DemoTips />
    </div>
  )
}

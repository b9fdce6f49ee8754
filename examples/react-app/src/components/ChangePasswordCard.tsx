import { useAuthClient } from '@tokenlife/react'
import { useState, type FormEvent } from 'react'
import { changePassword } from '@tokenlife/example-app-shared/api'
import { errorText } from '@tokenlife/example-app-shared/format'

const SUCCESS = 'Password changed. This tab got fresh tokens; other sessions end at their next refresh.'

type Outcome = { ok: true; message: string } | { ok: false; message: string }

export function ChangePasswordCard() {
  const auth = useAuthClient()
  const [current, setCurrent] = useState('')
  const [next, setNext] = useState('')
  const [busy, setBusy] = useState(false)
  const [outcome, setOutcome] = useState<Outcome>()

  async function submit(event: FormEvent) {
    event.preventDefault()
    setBusy(true)
    setOutcome(undefined)
    try {
      await changePassword(auth, current, next)
      setOutcome({ ok: true, message: SUCCESS })
      setCurrent('')
      setNext('')
    } catch (error) {
      setOutcome({ ok: false, message: errorText(error) })
    } finally {
      setBusy(false)
    }
  }

  return (
    <section className="card">
      <div className="card-head">
        <h2>Change password</h2>
        <span className="muted small">every other session ends at its next refresh</span>
      </div>
      <form className="form inline" onSubmit={submit} data-testid="change-password-form">
        <label>
          Current password
          <input
            type="password"
            autoComplete="current-password"
            required
            value={current}
            onChange={(e) => setCurrent(e.target.value)}
            data-testid="change-password-current"
          />
        </label>
        <label>
          New password
          <input
            type="password"
            autoComplete="new-password"
            required
            minLength={8}
            value={next}
            onChange={(e) => setNext(e.target.value)}
            data-testid="change-password-new"
          />
        </label>
        <button className="button" type="submit" disabled={busy} data-testid="change-password-submit">
          {busy ? 'Changing…' : 'Change password'}
        </button>
      </form>
      {outcome && (
        <p
          className={outcome.ok ? 'success' : 'error'}
          role="status"
          data-testid="change-password-result"
          data-outcome={outcome.ok ? 'success' : 'error'}
        >
          {outcome.message}
        </p>
      )}
    </section>
  )
}

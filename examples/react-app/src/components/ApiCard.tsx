import { useAuthClient } from '@tokenlife/react'
import { useCallback, useEffect, useState } from 'react'
import { fetchData, type ApiResult } from '@tokenlife/example-app-shared/api'
import { clock } from '@tokenlife/example-app-shared/format'

const POLL_MS = 5_000

/** Calls the protected API through `createAuthHttp(auth)` (`@tokenlife/core/ky`), on a button and every 5 s, so refreshes happen during use. */
export function ApiCard() {
  const auth = useAuthClient()
  const [result, setResult] = useState<ApiResult>()
  const [polling, setPolling] = useState(true)
  const [busy, setBusy] = useState(false)

  const call = useCallback(async () => {
    setBusy(true)
    const next = await fetchData(auth)
    setResult(next)
    setBusy(false)
  }, [auth])

  useEffect(() => {
    if (!polling) return
    void call()
    const id = setInterval(() => void call(), POLL_MS)
    return () => clearInterval(id)
  }, [polling, call])

  return (
    <section className="card">
      <div className="card-head">
        <h2>Protected API</h2>
        <code className="muted">GET /api/data</code>
      </div>
      <div className="actions">
        <button className="button primary" onClick={() => void call()} disabled={busy} data-testid="api-call">
          Call the API
        </button>
        <label className="toggle">
          <input
            type="checkbox"
            checked={polling}
            onChange={(e) => setPolling(e.target.checked)}
            data-testid="api-poll"
          />
          every 5 s
        </label>
      </div>
      {result ? (
        <>
          <div className="api-meta" data-testid="api-status" data-status={result.status ?? 'none'}>
            <span className={`badge ${result.ok ? 'badge-good' : 'badge-bad'}`}>{result.status ?? 'no response'}</span>
            {clock(result.at)} · {result.durationMs} ms
          </div>
          <pre className="code" data-testid="api-result">
            {JSON.stringify(result.body, null, 2)}
          </pre>
        </>
      ) : (
        <p className="muted">No call yet.</p>
      )}
    </section>
  )
}

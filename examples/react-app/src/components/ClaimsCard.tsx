import { useAuthState } from '@tokenlife/react'
import { claimText, sortedClaims } from '@tokenlife/example-app-shared/format'

/** The access token (header.payload.signature) and its decoded claims. */
export function ClaimsCard() {
  const token = useAuthState((state) => state.accessToken)
  const claims = useAuthState((state) => state.claims)
  if (!token || !claims) return null
  const [header, payload, signature] = token.split('.')
  return (
    <section className="card">
      <div className="card-head">
        <h2>Access token</h2>
        <span className="muted small">in memory only; the refresh token is an httpOnly cookie</span>
      </div>
      <p className="token" data-testid="access-token">
        <span className="jwt-header">{header}</span>.<span className="jwt-payload">{payload}</span>.
        <span className="jwt-signature">{signature}</span>
      </p>
      <table className="claims" data-testid="claims">
        <tbody>
          {sortedClaims(claims).map(([key, value]) => {
            const text = claimText(key, value)
            return (
              <tr key={key} data-claim={key}>
                <th>{key}</th>
                <td>
                  <code>{text.value}</code>
                  {text.note && <span className="muted small claim-note">{text.note}</span>}
                </td>
              </tr>
            )
          })}
        </tbody>
      </table>
    </section>
  )
}

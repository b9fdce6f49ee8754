import type { TokenClaims } from '@tokenlife/react'
import { clock, duration, lifetimeSeconds } from '@tokenlife/example-app-shared/format'
import { useNow } from '../useNow'

/** Seconds left on the access token, ticking each second, with a bar over the token's lifetime. */
export function Countdown({ expiresAt, claims }: { expiresAt: number; claims: TokenClaims }) {
  const now = useNow()
  const left = Math.max(0, Math.ceil((expiresAt - now) / 1000))
  const lifetime = lifetimeSeconds(claims)
  const ratio = lifetime ? Math.min(1, left / lifetime) : 0
  const tone = ratio > 0.5 ? 'good' : ratio > 0.2 ? 'warn' : 'bad'
  return (
    <div className="countdown">
      <div className="countdown-row">
        <span className="label">Access token expires in</span>
        <span className={`countdown-value tone-${tone}`} data-testid="countdown" data-expires-at={expiresAt}>
          {duration(left)}
        </span>
      </div>
      <div className="bar" aria-hidden="true">
        <div className={`bar-fill tone-${tone}`} style={{ width: `${ratio * 100}%` }} />
      </div>
      <div className="muted small">
        valid until <span data-testid="token-expiry">{clock(expiresAt)}</span>
        {lifetime !== undefined && <> · lifetime {lifetime} s</>} · refreshed silently before it runs out
      </div>
    </div>
  )
}

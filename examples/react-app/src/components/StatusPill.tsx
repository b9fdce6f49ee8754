import { useAuthState } from '@tokenlife/react'
import { statusLabel } from '@tokenlife/example-app-shared/format'

export function StatusPill() {
  const status = useAuthState((state) => state.status)
  return (
    <span className={`pill pill-${status}`} data-testid="status-pill" data-status={status}>
      <span className="dot" aria-hidden="true" />
      {statusLabel[status]}
    </span>
  )
}

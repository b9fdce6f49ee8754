import { duration } from '@tokenlife/example-app-shared/format'
import { useIdle } from '@tokenlife/react'

/** "You will be signed out in 0:59": shown in every tab during the idle timeout's last minute. */
export function IdleDialog() {
  const idle = useIdle()
  if (idle.status !== 'warning') return null
  return (
    <div className="idle-backdrop">
      <div className="idle-dialog" role="alertdialog" aria-labelledby="idle-title" data-testid="idle-dialog">
        <h2 id="idle-title">Still there?</h2>
        <p>
          You will be signed out in{' '}
          <span className="idle-countdown" data-testid="idle-countdown">
            {duration(idle.remainingMs / 1000)}
          </span>
        </p>
        <p className="muted small">Nobody has used any tab of this app for a while. Every tab signs out together.</p>
        <button className="button primary" onClick={idle.stillHere} data-testid="idle-stay" autoFocus>
          Stay signed in
        </button>
      </div>
    </div>
  )
}

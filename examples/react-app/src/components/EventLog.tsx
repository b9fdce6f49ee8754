import { useSyncExternalStore } from 'react'
import { eventLog } from '../auth'
import { clock, describeEvent } from '@tokenlife/example-app-shared/format'
import type { LoggedEvent } from '../eventLog'

function eventAttributes({ event }: LoggedEvent) {
  return {
    'data-event-type': event.type,
    'data-reason': event.type === 'session-ended' ? event.reason : undefined,
    'data-source': event.type === 'session-started' ? event.source : undefined,
    'data-cause': event.type === 'refresh-started' || event.type === 'wake' ? event.cause : undefined,
  }
}

/** The last 50 events of the client in this tab, newest first. */
export function EventLog() {
  const entries = useSyncExternalStore(eventLog.subscribe, eventLog.getSnapshot)
  return (
    <section className="card">
      <div className="card-head">
        <h2>Session events</h2>
        <span className="muted small">this tab · newest first · last 50</span>
        <span className="spacer" />
        <button className="link" onClick={eventLog.clear} disabled={entries.length === 0} data-testid="event-log-clear">
          clear
        </button>
      </div>
      {entries.length === 0 && <p className="muted">Nothing yet.</p>}
      <ol className="log" data-testid="event-log">
        {entries.map((entry) => {
          const { title, detail, tone } = describeEvent(entry.event)
          return (
            <li key={entry.id} className="log-entry" data-testid="event-log-entry" {...eventAttributes(entry)}>
              <time className="log-time">{clock(entry.at)}</time>
              <span className={`log-dot tone-${tone}`} aria-hidden="true" />
              <span className="log-title">{title}</span>
              <span className="log-detail">{detail}</span>
            </li>
          )
        })}
      </ol>
    </section>
  )
}

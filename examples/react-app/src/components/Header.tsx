import { StatusPill } from './StatusPill'

export function Header({ framework }: { framework: string }) {
  return (
    <header className="header">
      <div className="brand">
        <span className="logo" aria-hidden="true">
          tl
        </span>
        <div>
          <h1>tokenlife</h1>
          <p className="muted">{framework} example · silent refresh, one refresh across tabs, logout everywhere</p>
        </div>
      </div>
      <StatusPill />
    </header>
  )
}

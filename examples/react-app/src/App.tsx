import { RequireAuth } from '@tokenlife/react'
import { Dashboard } from './components/Dashboard'
import { EventLog } from './components/EventLog'
import { Header } from './components/Header'
import { IdleDialog } from './components/IdleDialog'
import { Loading } from './components/Loading'
import { SignIn } from './components/SignIn'

export function App() {
  return (
    <div className="page">
      <Header framework="React" />
      <main>
        <RequireAuth fallback={<SignIn />} loading={<Loading />}>
          <Dashboard />
        </RequireAuth>
        <EventLog />
      </main>
      <IdleDialog />
      <footer className="footer">
        tokenlife example · served by <code>examples/server</code> · demo user <code>demo@tokenlife.dev</code>
      </footer>
    </div>
  )
}

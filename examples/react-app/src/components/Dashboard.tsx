import { ApiCard } from './ApiCard'
import { ChangePasswordCard } from './ChangePasswordCard'
import { ClaimsCard } from './ClaimsCard'
import { SessionCard } from './SessionCard'

export function Dashboard() {
  return (
    <div className="grid">
      <div className="column">
        <SessionCard />
        <ApiCard />
      </div>
      <div className="column">
        <ClaimsCard />
        <ChangePasswordCard />
      </div>
    </div>
  )
}

import { DEMO_TIPS } from '@tokenlife/example-app-shared/demoTips'

export function DemoTips() {
  return (
    <section className="card">
      <h2>What to try</h2>
      <ol className="tips">
        {DEMO_TIPS.map(([lead, text]) => (
          <li key={lead}>
            <strong>{lead}</strong> {text}
          </li>
        ))}
      </ol>
    </section>
  )
}

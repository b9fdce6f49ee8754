import fc from 'fast-check'
import { describe, it } from 'vitest'
import { playScenario, scenarios, type Scenario } from './crossTabModel'
import regressions from './crossTab.regressions.json'

/**
 * Every counterexample the property or the soak (`pnpm soak`) ever found (each one a bug that was fixed), replayed
 * on every run. Add new ones to crossTab.regressions.json; the soak prints them ready to paste.
 */
const REGRESSIONS = regressions as Scenario[]

describe('cross-tab coordination in a simulated browser with real hazards (property)', () => {
  it.each(['storage', 'cookie'] as const)(
    '%s mode: no refresh token twice, no session lost, a logout is final and reaches every tab, ≤ 1 refresh per lifetime, nobody stuck',
    async (mode) => {
      await fc.assert(fc.asyncProperty(scenarios(mode), (scenario) => playScenario(scenario)), {
        examples: REGRESSIONS.filter((scenario) => scenario.mode === mode).map((scenario) => [scenario]),
        numRuns: 40,
      })
    },
    180_000,
  )
})

import fc from 'fast-check'
import { describe, it } from 'vitest'
import { playScenario, scenarios, type Scenario } from './crossTabModel'
import regressions from './crossTab.regressions.json'

/**
 * Every counterexample the property or the soak (`pnpm soak`) ever found (each one a bug that was fixed), replayed
 * on every run. Add new ones to crossTab.regressions.json; the soak prints them ready to paste.
 */
const REGRESSIONS = regressions as Scenario[]

/**
 * CI is deterministic: after the regressions, a sample drawn from one fixed seed, so a run is red or green for the
 * code, never for the clock. Random exploration, with a new seed each time, is the soak's job (`pnpm soak`).
 */
const SAMPLE_SEED = 20_261_206
const SAMPLE_RUNS = Number(process.env.TOKENLIFE_PROPERTY_RUNS ?? 200)

describe('cross-tab coordination in a simulated browser with real hazards (property)', () => {
  it.each(['storage', 'cookie'] as const)(
    '%s mode: no refresh token twice, no session lost, a logout is final and reaches every tab, ≤ 1 refresh per lifetime, no call left hanging',
    async (mode) => {
      await fc.assert(fc.asyncProperty(scenarios(mode), (scenario) => playScenario(scenario)), {
        examples: REGRESSIONS.filter((scenario) => scenario.mode === mode).map((scenario) => [scenario]),
        seed: SAMPLE_SEED,
        numRuns: SAMPLE_RUNS,
      })
    },
    600_000,
  )
})

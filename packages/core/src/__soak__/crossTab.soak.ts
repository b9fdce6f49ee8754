import fc from 'fast-check'
import { expect, it } from 'vitest'
import { playScenario, scenarios } from '../__tests__/crossTabModel'

/**
 * The cross-tab property at length: `TOKENLIFE_SOAK_RUNS` random scenarios per refresh-token mode (default 20,000),
 * each with its own seed. Not part of CI (`pnpm soak`); prints the seed and a tally, and every counterexample
 * ready to paste into src/__tests__/crossTab.regressions.json.
 */
const runs = Number(process.env.TOKENLIFE_SOAK_RUNS ?? 20_000)
const report = (line: string) => process.stdout.write(`${line}\n`)

it.each(['storage', 'cookie'] as const)(
  'soak, %s mode',
  async (mode) => {
    const seed = Number(process.env.TOKENLIFE_SOAK_SEED ?? Date.now() % 2 ** 31)
    const started = Date.now()
    const result = await fc.check(fc.asyncProperty(scenarios(mode), (scenario) => playScenario(scenario)), { numRuns: runs, seed })
    const seconds = ((Date.now() - started) / 1000).toFixed(0)
    report(`[soak] ${mode}: ${result.numRuns} runs, seed ${seed}, ${result.failed ? 'FAILED' : 'no failure'}, ${seconds} s`)
    if (result.failed) {
      report(`[soak] counterexample: ${JSON.stringify(result.counterexample?.[0])}`)
      report(`[soak] error: ${String(result.errorInstance)}`)
    }
    expect(result.failed).toBe(false)
  },
  24 * 60 * 60_000,
)

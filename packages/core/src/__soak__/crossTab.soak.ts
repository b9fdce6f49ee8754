import { execSync } from 'node:child_process'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import fc from 'fast-check'
import { expect, it } from 'vitest'
import { playScenario, scenarios, type Scenario } from '../__tests__/crossTabModel'
import { summarizeLengths, type LengthSummary } from '../__tests__/crossTabScenarios'

/**
 * The cross-tab property at length: `TOKENLIFE_SOAK_RUNS` random scenarios per refresh-token mode (default 20,000),
 * from `TOKENLIFE_SOAK_SEED` (default: the clock). Not part of CI (`pnpm soak`). Prints the seed, the tally and the
 * spread of scenario lengths, and every counterexample ready to paste into src/__tests__/crossTab.regressions.json;
 * writes the tally to reports/soak.json (read by the reliability page).
 */
const runs = Number(process.env.TOKENLIFE_SOAK_RUNS ?? 20_000)
const seed = Number(process.env.TOKENLIFE_SOAK_SEED ?? Date.now() % 2 ** 31)
const report = (line: string) => process.stdout.write(`${line}\n`)
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..')
const reportFile = resolve(root, 'reports/soak.json')

interface ModeTally {
  runs: number
  failed: boolean
  seconds: number
  lengths: LengthSummary
  counterexample?: Scenario
  error?: string
}

const percent = (share: number) => `${(share * 100).toFixed(0)} %`

/** Adds one mode's tally to reports/soak.json (a new seed starts the file afresh). */
function record(mode: Scenario['mode'], tally: ModeTally): void {
  let file: { seed?: number; modes?: Record<string, ModeTally> } = {}
  try {
    file = JSON.parse(readFileSync(reportFile, 'utf8')) as typeof file
  } catch {
    // No report yet.
  }
  const modes = file.seed === seed ? (file.modes ?? {}) : {}
  let commit = 'unknown'
  try {
    commit = execSync('git rev-parse --short HEAD', { cwd: root }).toString().trim()
  } catch {
    // Not a git checkout.
  }
  mkdirSync(dirname(reportFile), { recursive: true })
  const next = { date: new Date().toISOString(), commit, seed, modes: { ...modes, [mode]: tally } }
  writeFileSync(reportFile, `${JSON.stringify(next, null, 2)}\n`)
}

it.each(['storage', 'cookie'] as const)(
  'soak, %s mode',
  async (mode) => {
    const started = Date.now()
    const played: Scenario[] = []
    const result = await fc.check(
      fc.asyncProperty(scenarios(mode), (scenario) => {
        played.push(scenario)
        if (played.length % 1000 === 0) report(`[soak] ${mode}: ${played.length} runs, ${Math.round((Date.now() - started) / 1000)} s`)
        return playScenario(scenario)
      }),
      { numRuns: runs, seed },
    )
    const seconds = Math.round((Date.now() - started) / 1000)
    // Shrinking replays smaller scenarios: only the runs before the first failure count towards the spread.
    const lengths = summarizeLengths(played.slice(0, result.numRuns))
    const { histogram } = lengths
    report(`[soak] ${mode}: ${result.numRuns} runs, seed ${seed}, ${result.failed ? 'FAILED' : 'no failure'}, ${seconds} s`)
    report(
      `[soak] ${mode}: lengths max ${lengths.max}, mean ${lengths.mean.toFixed(1)}, over 20 commands ${percent(lengths.over20)} ` +
        `(1-10: ${histogram['1-10']}, 11-20: ${histogram['11-20']}, 21-40: ${histogram['21-40']}, 41+: ${histogram['41+']}); ` +
        `more than 5 tabs at the start ${percent(lengths.over5Tabs)}`,
    )
    const counterexample = result.counterexample?.[0]
    if (result.failed) {
      report(`[soak] counterexample: ${JSON.stringify(counterexample)}`)
      report(`[soak] error: ${String(result.errorInstance)}`)
    }
    record(mode, {
      runs: result.numRuns,
      failed: result.failed,
      seconds,
      lengths,
      ...(result.failed ? { counterexample, error: String(result.errorInstance) } : {}),
    })
    expect(result.failed).toBe(false)
  },
  24 * 60 * 60_000,
)

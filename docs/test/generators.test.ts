// The generated pages against what they are made from: the troubleshooting page's code ranges, and the reliability
// page's figures, which must come from the reports (here the sample reports of scripts/fixtures) and the tests.
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { checkTables, collectDiagnostics, renderTroubleshooting } from '../scripts/diagnostics.mjs'
import { guaranteesOf, renderReliability } from '../scripts/reliability.mjs'

const entry = {
  kind: 'error',
  raises: 'TypeError',
  title: 'A title',
  message: () => 'a message',
  meaning: 'What it means.',
  cause: 'The cause.',
  fix: 'The fix.',
  production: 'kept',
}

describe('error code tables', () => {
  it("take a coming package's table in its own range, without a change to the generator", () => {
    const codes = checkTables([
      { pkg: '@tokenlife/oauth', table: { TL501: entry } },
      { pkg: '@tokenlife/server', table: { TL601: entry } },
      { pkg: '@tokenlife/testing', table: { TL801: entry } },
    ])
    expect(codes.map(({ code }) => code)).toEqual(['TL501', 'TL601', 'TL801'])
    expect(renderTroubleshooting(codes)).toContain('### TL501: A title {#tl501}')
  })

  it('refuse a code outside the package’s range, a code used twice, and a missing field', () => {
    expect(() => checkTables([{ pkg: '@tokenlife/vue', table: { TL501: entry } }])).toThrow(/TL501 is in a range it does not own/)
    expect(() => checkTables([{ pkg: '@tokenlife/react', table: { TL701: entry } }, { pkg: '@tokenlife/vue', table: { TL701: entry } }])).toThrow(/TL701 is used twice/)
    expect(() => checkTables([{ pkg: '@tokenlife/core', table: { TL101: { ...entry, fix: '' } } }])).toThrow(/TL101: no fix/)
    expect(() => checkTables([{ pkg: '@tokenlife/core', table: { TL1: entry } }])).toThrow(/not TL and three digits/)
  })

  it('the workspace’s own tables pass, and each code gets an entry with its anchor', async () => {
    const codes = await collectDiagnostics()
    const page = renderTroubleshooting(codes)
    for (const { code } of codes) expect(page).toContain(`{#${code.toLowerCase()}}`)
    expect(new Set(codes.map(({ pkg }) => pkg))).toEqual(new Set(['@tokenlife/core', '@tokenlife/oauth', '@tokenlife/react', '@tokenlife/server', '@tokenlife/testing', '@tokenlife/vue']))
    // The server has one build (no development condition): its entries say so; the browser packages' entries name both builds.
    expect(page).toMatch(/### TL621: [^\n]+\n\n<small>Error · `Error` · `@tokenlife\/server` · one build: always raised, always with the full message/)
    expect(page).toMatch(/### TL701: [^\n]+\n\n<small>Error · `Error` · `@tokenlife\/react` · raised by both builds/)
  })

  it('refuse a development-only check in a package that has one build', () => {
    expect(() => checkTables([{ pkg: '@tokenlife/server', table: { TL601: { ...entry, production: 'development only' } }, oneBuild: true }])).toThrow(
      /TL601: @tokenlife\/server has one build/,
    )
  })
})

describe('the reliability page', () => {
  const fixture = (name: string) => JSON.parse(readFileSync(new URL(`../scripts/fixtures/${name}`, import.meta.url), 'utf8'))
  const architecture = readFileSync(new URL('../architecture.md', import.meta.url), 'utf8')
  const tests = {
    date: '2026-12-02T09:00:00.000Z',
    commit: 'abcdef1234567890',
    packages: [
      {
        name: '@tokenlife/core',
        files: [
          { file: 'packages/core/src/__tests__/concurrencyInvariants.test.ts', project: 'unit', tests: ['invariant 3: a logout is final > a late ended message', 'invariant 1: never aborted > keepalive'] },
          { file: 'packages/core/tabs/crossTab.tabs.test.ts', project: 'tabs', tests: ['five tabs > one refresh', 'five tabs > one logout'] },
        ],
      },
    ],
  }
  const page = renderReliability({ tests, soak: fixture('soak.json'), planted: fixture('plantedBugs.json'), architecture, sourceOf: () => '' })

  it('reads the guarantees from architecture.md', () => {
    expect(guaranteesOf(architecture).map(({ number }) => number)).toEqual([1, 2, 3, 4, 5])
  })

  it('takes every figure from the reports: the soak, the planted bugs, the test listing', () => {
    expect(page).toContain('seed `123456789`')
    expect(page).toContain('| storage | 20000 | no failure | 1830 s | 14.2 / 58 | 21 % |')
    expect(page).toContain('**2 of 2 plants caught**')
    expect(page).toContain('| no lock across tabs | `src/refreshLock.ts` | 9 |')
    expect(page).toContain('| `@tokenlife/core` | 2 | 4 | 2 |')
    expect(page).toMatch(/3\. \*\*A logout is final\.\*\* 1 invariant tests:\n {3}- a late ended message/)
    expect(page).toContain('**`packages/core/tabs/crossTab.tabs.test.ts`** (@tokenlife/core, tabs): 2 tests')
  })

  it("reads a property test's runs and seed through the constants that hold them", () => {
    const property = { name: '@tokenlife/core', files: [{ file: 'p.property.test.ts', project: 'unit', tests: ['storage mode: holds'] }] }
    const source = [
      "import fc from 'fast-check'",
      'const SAMPLE_SEED = 20_261_206',
      'const SAMPLE_RUNS = Number(process.env.RUNS ?? 200)',
      'await fc.assert(property, { seed: SAMPLE_SEED, numRuns: SAMPLE_RUNS })',
    ].join('\n')
    const listed = renderReliability({ tests: { ...tests, packages: [property] }, soak: undefined, planted: undefined, architecture, sourceOf: () => source })
    expect(listed).toContain('| storage mode: holds (`p.property.test.ts`) | 200 | 20261206 |')
  })

  it('says what is missing rather than inventing it', () => {
    const empty = renderReliability({ tests: undefined, soak: undefined, planted: undefined, architecture, sourceOf: () => undefined })
    expect(empty).toContain('No soak recorded yet: run `pnpm soak`.')
    expect(empty).toContain('No run recorded yet: run `bash scripts/plantedBugs.sh`.')
    expect(empty).toContain('No listing recorded yet: run `pnpm reliability:collect`.')
  })
})

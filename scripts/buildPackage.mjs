// A package's `pnpm build`: tsup writes into a fresh folder beside dist/ (TOKENLIFE_DIST, read by each tsup.config.ts),
// and the finished folder then takes dist/'s place. A program that reads dist/ meanwhile (a test, a dev server, a
// second build of the same package) never sees it half written or deleted: the old build stays whole until a rename
// swaps the new one in. Run from the package's folder; extra arguments go to tsup.
import { spawnSync } from 'node:child_process'
import { existsSync, renameSync, rmSync } from 'node:fs'

const staging = `dist.building-${process.pid}`
const retired = `dist.old-${process.pid}`
rmSync(staging, { recursive: true, force: true })
const tsup = spawnSync('tsup', process.argv.slice(2), {
  stdio: 'inherit',
  shell: process.platform === 'win32',
  env: { ...process.env, TOKENLIFE_DIST: staging },
})
if (tsup.status !== 0) {
  rmSync(staging, { recursive: true, force: true })
  process.exit(tsup.status ?? 1)
}
if (existsSync('dist')) renameSync('dist', retired)
renameSync(staging, 'dist')
rmSync(retired, { recursive: true, force: true })

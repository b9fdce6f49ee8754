// Packaging checks for every published package: publint (package.json exports/files) and
// @arethetypeswrong/cli (types resolve for ESM and CJS consumers). Run after `pnpm build`. The packages are the
// workspace's public ones (docs/scripts/packages.mjs), as for release:dry and the API report: a new one is checked
// without a change here.
import { execFileSync } from 'node:child_process'
import { relative } from 'node:path'
import { publicPackages, repoRoot } from '../docs/scripts/packages.mjs'

const packages = publicPackages().map((pkg) => relative(repoRoot, pkg.dir))
let failed = false
for (const dir of packages) {
  for (const [tool, args] of [
    ['publint', ['exec', 'publint', '--strict', dir]],
    ['attw', ['exec', 'attw', '--pack', dir, '--profile', 'node16']],
  ]) {
    try {
      execFileSync('pnpm', args, { cwd: repoRoot, stdio: 'inherit' })
    } catch {
      console.error(`✗ ${tool} failed for ${dir}`)
      failed = true
    }
  }
}
process.exit(failed ? 1 : 0)

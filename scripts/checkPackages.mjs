// Packaging checks for every published package: publint (package.json exports/files) and
// @arethetypeswrong/cli (types resolve for ESM and CJS consumers). Run after `pnpm build`.
import { execFileSync } from 'node:child_process'

const packages = ['packages/core', 'packages/react', 'packages/vue', 'packages/oauth', 'packages/server', 'packages/testing']
let failed = false
for (const dir of packages) {
  for (const [tool, args] of [
    ['publint', ['exec', 'publint', '--strict', dir]],
    ['attw', ['exec', 'attw', '--pack', dir, '--profile', 'node16']],
  ]) {
    try {
      execFileSync('pnpm', args, { stdio: 'inherit' })
    } catch {
      console.error(`✗ ${tool} failed for ${dir}`)
      failed = true
    }
  }
}
process.exit(failed ? 1 : 0)

// What a release would publish, without publishing: builds, packs every public package as pnpm publishes it
// (`workspace:*` becomes the real version), and checks each tarball with publint (package.json, exports, files) and
// @arethetypeswrong/cli (types resolve for ESM and CJS consumers, under every condition). Fails if any check fails
// or a tarball still holds a `workspace:` range.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { publicPackages, repoRoot } from '../docs/scripts/packages.mjs'

const run = (command, args, options = {}) => execFileSync(command, args, { cwd: repoRoot, stdio: 'inherit', ...options })
const out = mkdtempSync(join(tmpdir(), 'tokenlife-release-'))
let failed = false
try {
  if (!process.argv.includes('--no-build')) run('pnpm', ['run', 'build'])
  for (const pkg of publicPackages()) {
    run('pnpm', ['pack', '--pack-destination', out], { cwd: pkg.dir, stdio: ['ignore', 'ignore', 'inherit'] })
    const tarball = join(out, readdirSync(out).find((name) => name.startsWith(pkg.name.replace('@', '').replace('/', '-'))))
    console.log(`\n${pkg.name}: ${tarball}`)
    const manifest = execFileSync('tar', ['-xOzf', tarball, 'package/package.json'], { encoding: 'utf8' })
    if (manifest.includes('workspace:')) {
      console.error(`✗ ${pkg.name}: the packed package.json still has a workspace: range`)
      failed = true
    }
    for (const [tool, args] of [
      ['publint', ['exec', 'publint', '--strict', tarball]],
      ['attw', ['exec', 'attw', tarball, '--profile', 'node16']],
    ]) {
      try {
        run('pnpm', args)
      } catch {
        console.error(`✗ ${tool} failed for ${pkg.name}`)
        failed = true
      }
    }
  }
} finally {
  rmSync(out, { recursive: true, force: true })
}
console.log(failed ? '\nrelease:dry failed' : '\nrelease:dry: every package packs and passes publint and attw')
process.exit(failed ? 1 : 0)

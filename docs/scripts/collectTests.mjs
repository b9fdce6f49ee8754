// Lists every test of every workspace package (vitest's own listing: `vitest list --json`, which imports each test
// file and counts `it.each` rows, without running anything) and writes reports/tests.json, which the reliability
// page is made from. Minutes on two cores; not part of CI. Run it with `pnpm reliability:collect` when tests change.
import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { repoRoot } from './packages.mjs'

/** Workspace folders (from pnpm-workspace.yaml's globs) whose package runs vitest. */
function vitestPackages() {
  const globs = readFileSync(join(repoRoot, 'pnpm-workspace.yaml'), 'utf8').match(/^\s+-\s+(\S+)/gm).map((line) => line.replace(/^\s+-\s+/, ''))
  const dirs = globs.flatMap((glob) =>
    glob.endsWith('/*') ? readdirSync(join(repoRoot, glob.slice(0, -2))).map((name) => join(repoRoot, glob.slice(0, -2), name)) : [join(repoRoot, glob)],
  )
  return dirs.filter((dir) => existsSync(join(dir, 'package.json')) && readdirSync(dir).some((name) => /^vitest\.config\./.test(name)))
}

/** Groups vitest's listing by file and project. */
function group(listing) {
  const files = new Map()
  for (const { file, name, projectName } of listing) {
    const key = `${projectName ?? ''}\u0000${file}`
    if (!files.has(key)) files.set(key, { file: relative(repoRoot, file), project: projectName ?? '', tests: [] })
    files.get(key).tests.push(name)
  }
  return [...files.values()].sort((a, b) => a.file.localeCompare(b.file))
}

const out = mkdtempSync(join(tmpdir(), 'tokenlife-tests-'))
const packages = []
try {
  for (const dir of vitestPackages()) {
    const { name } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'))
    const json = join(out, `${name.replace(/\W/g, '_')}.json`)
    console.log(`collect: ${name}`)
    execFileSync('npx', ['vitest', 'list', `--json=${json}`], { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'], timeout: 600_000 })
    packages.push({ name, files: group(JSON.parse(readFileSync(json, 'utf8'))) })
  }
} finally {
  rmSync(out, { recursive: true, force: true })
}
const commit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: repoRoot, encoding: 'utf8' }).trim()
const report = { date: new Date().toISOString(), commit, packages }
writeFileSync(join(repoRoot, 'reports/tests.json'), `${JSON.stringify(report, null, 1)}\n`)
const count = packages.reduce((sum, pkg) => sum + pkg.files.reduce((n, file) => n + file.tests.length, 0), 0)
console.log(`reports/tests.json: ${count} tests in ${packages.length} packages`)

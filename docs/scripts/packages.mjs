// The workspace's public packages (packages/*, not private), read from their package.json: what the API reference,
// the troubleshooting page and the API report cover. A new package is picked up by being there.
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url))

/**
 * @typedef {object} PublicPackage
 * @property {string} name        the npm name, e.g. `@tokenlife/core`
 * @property {string} slug        the name without its scope, e.g. `core`
 * @property {string} dir         absolute path of the package's folder
 * @property {{ subpath: string, source: string, types: string }[]} entries  one per export with types: `.` → `src/index.ts`
 * @property {boolean} developmentBuild  whether it ships a development build beside the production one (a `development`
 *   export condition): the browser packages do; `@tokenlife/server` has one build, with every message in full
 */

/** Each export's source file: `./dist/ky.d.ts` → `src/ky.ts` (tsup builds `src/<name>.ts` to `dist/<name>.js`). */
function entriesOf(dir, exports) {
  return Object.entries(exports ?? {}).flatMap(([subpath, target]) => {
    const types = target?.import?.types ?? target?.types
    if (typeof types !== 'string') return []
    const source = types.replace(/^\.\/dist\//, 'src/').replace(/\.d\.ts$/, '.ts')
    return existsSync(join(dir, source)) ? [{ subpath, source, types }] : []
  })
}

/** @returns {PublicPackage[]} */
export function publicPackages() {
  const packagesDir = join(repoRoot, 'packages')
  return readdirSync(packagesDir)
    .map((folder) => join(packagesDir, folder))
    .filter((dir) => existsSync(join(dir, 'package.json')))
    .map((dir) => ({ dir, manifest: JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) }))
    .filter(({ manifest }) => !manifest.private)
    .map(({ dir, manifest }) => ({
      name: manifest.name,
      slug: manifest.name.replace(/^@[^/]+\//, ''),
      dir,
      entries: entriesOf(dir, manifest.exports),
      developmentBuild: Object.values(manifest.exports ?? {}).some((target) => typeof (target?.import ?? target)?.development === 'string'),
    }))
    .sort((a, b) => (a.slug === 'core' ? -1 : b.slug === 'core' ? 1 : a.slug.localeCompare(b.slug)))
}

import { rmSync } from 'node:fs'
import { defineConfig, type Options } from 'tsup'

// A production build (dist/, the default) and a development build (dist/development/) from one source, chosen by the
// `development` / `production` export conditions, like @tokenlife/core's: only the development build carries the
// diagnostics table's messages and the option-name check; every check that protects a user is in both. Types are
// emitted once.
// Where it writes: dist/, or the folder that scripts/buildPackage.mjs (`pnpm build`) swaps in for dist/ when done.
const dist = process.env.TOKENLIFE_DIST ?? 'dist'
rmSync(dist, { recursive: true, force: true })

const common: Options = {
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  sourcemap: true,
  target: 'es2022',
  // Rollup's tree shaking drops the other build's branches (`if (false) …`) outright, as in the core's build.
  treeshake: true,
  // oauth4webapi stays a separate module, imported with import() on first use (login, callback, a refreshed ID
  // token): an app bundles it as a lazy chunk.
  external: ['@tokenlife/core', 'oauth4webapi'],
}

export default defineConfig([
  { ...common, outDir: dist, dts: true, env: { NODE_ENV: 'production' } },
  { ...common, outDir: `${dist}/development`, env: { NODE_ENV: 'development' } },
])

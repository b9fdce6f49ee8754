import { rmSync } from 'node:fs'
import { defineConfig, type Options } from 'tsup'

// One source, two builds, chosen by the `development` / `production` export conditions (package.json): `dist/` is
// the production build (also the default), `dist/development/` keeps the diagnostics table's messages, the
// did-you-mean and the option checks that only help a developer. `process.env.NODE_ENV` is replaced by a constant in
// each, so the other build's branches are dropped. Types are emitted once.
// Where it writes: dist/, or the folder that scripts/buildPackage.mjs (`pnpm build`) swaps in for dist/ when done.
const dist = process.env.TOKENLIFE_DIST ?? 'dist'
rmSync(dist, { recursive: true, force: true })

const common: Options = {
  entry: ['src/index.ts', 'src/ky.ts'],
  format: ['esm', 'cjs'],
  sourcemap: true,
  target: 'es2022',
  treeshake: true,
}

export default defineConfig([
  { ...common, outDir: dist, dts: true, env: { NODE_ENV: 'production' } },
  { ...common, outDir: `${dist}/development`, env: { NODE_ENV: 'development' } },
])

import { rmSync } from 'node:fs'
import { defineConfig, type Options } from 'tsup'

// A production build (dist/, the default) and a development build (dist/development/) from one source, chosen by the
// `development` / `production` export conditions, like @tokenlife/core's: only the development build carries the
// diagnostics table's messages. Types are emitted once.
// Where it writes: dist/, or the folder that scripts/buildPackage.mjs (`pnpm build`) swaps in for dist/ when done.
const dist = process.env.TOKENLIFE_DIST ?? 'dist'
rmSync(dist, { recursive: true, force: true })

const common: Options = {
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  sourcemap: true,
  target: 'es2022',
  external: ['@tokenlife/core', 'react', 'react-dom', 'vue', 'vue-router'],
  // The bundle drops module-level directives; the entry holds the provider and hooks, so it is a client module
  // for React Server Components.
  banner: { js: "'use client'" },
}

export default defineConfig([
  { ...common, outDir: dist, dts: true, env: { NODE_ENV: 'production' } },
  { ...common, outDir: `${dist}/development`, env: { NODE_ENV: 'development' } },
])

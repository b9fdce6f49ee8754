import { readFileSync, rmSync } from 'node:fs'
import { defineConfig, type Options } from 'tsup'

// Like @tokenlife/core: a production build (dist/, the default) and a development build (dist/development/) from one
// source, chosen by the `development` / `production` export conditions; only the development build carries the
// diagnostics table's messages. Types are emitted once. Besides, dist/seed.global.js: the browser script that
// signInForE2E() puts into a page, with the core inside (a page of the app under test cannot import modules).
// Where it writes: dist/, or the folder that scripts/buildPackage.mjs (`pnpm build`) swaps in for dist/ when done.
const dist = process.env.TOKENLIFE_DIST ?? 'dist'
rmSync(dist, { recursive: true, force: true })

const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }
const define = { __TOKENLIFE_TESTING_VERSION__: JSON.stringify(version) }

const common: Options = {
  entry: ['src/index.ts', 'src/react.ts', 'src/vue.ts', 'src/e2e.ts'],
  format: ['esm', 'cjs'],
  sourcemap: true,
  target: 'es2022',
  // The app's copies: one core, one binding, one msw, one framework.
  external: ['@tokenlife/core', '@tokenlife/react', '@tokenlife/vue', 'msw', 'react', 'react-dom', 'vue'],
  // import.meta.url in the CommonJS build (signInForE2E finds the seeding script next to it).
  shims: true,
  define,
}

export default defineConfig([
  { ...common, outDir: dist, dts: true, env: { NODE_ENV: 'production' } },
  { ...common, outDir: `${dist}/development`, env: { NODE_ENV: 'development' } },
  {
    entry: { 'seed.global': 'src/seedBundle.ts' },
    format: ['iife'],
    outDir: dist,
    platform: 'browser',
    target: 'es2022',
    noExternal: [/.*/],
    define,
    // A test helper: its errors keep their full message (the core inside is the production build either way).
    env: { NODE_ENV: 'development' },
    outExtension: () => ({ js: '.js' }),
  },
])

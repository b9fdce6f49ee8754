// Part 1, bundle size: minified + gzipped bytes an app ships up front (esbuild, browser ESM, code splitting; chunks
// that are only loaded by a dynamic import are counted apart) for tokenlife as a cookie-mode app uses it, with the
// ky helpers, each binding's own code, @tokenlife/oauth's own code, and each peer's main entry as an app imports it.
// tokenlife's rows are built with the `production` export condition (what Vite and webpack pick for a production
// build) and hold the budgets; the development build (`development` condition) is printed beside them, without a
// budget. Run directly (`node bench/src/size.mjs`, after `pnpm build`) it prints the table, with `--breakdown` where
// the cookie-mode app's bytes come from, module by module, and with `--check` it exits 1 when a row is over its
// budget; `pnpm bench` puts the table in RESULTS.md.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import process from 'node:process'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'
import { build } from 'esbuild'
import { bindingEntries, packageEntries, sizeEntries } from './tokenlife.mjs'

const benchDir = fileURLToPath(new URL('..', import.meta.url))

/** What an app of each peer imports and calls. */
export const peerEntries = {
  'oidc-client-ts (UserManager)': `import { UserManager, WebStorageStateStore } from 'oidc-client-ts'
export const manager = new UserManager({ authority: '/oidc', client_id: 'spa', redirect_uri: '/', userStore: new WebStorageStateStore({ store: localStorage }) })`,
  '@supabase/auth-js (GoTrueClient)': `import { GoTrueClient } from '@supabase/auth-js'
export const auth = new GoTrueClient({ url: '/auth/v1', autoRefreshToken: true, persistSession: true })`,
  '@auth0/auth0-spa-js (createAuth0Client)': `import { createAuth0Client } from '@auth0/auth0-spa-js'
export const auth0 = createAuth0Client({ domain: 'example.auth0.com', clientId: 'spa', useRefreshTokens: true, cacheLocation: 'localstorage' })`,
  'axios + axios-auth-refresh': `import axios from 'axios'
import createAuthRefreshInterceptor from 'axios-auth-refresh'
export const api = axios.create()
createAuthRefreshInterceptor(api, () => axios.post('/refresh'))`,
  'ky alone (reference)': `import ky from 'ky'
export const api = ky.create({})`,
}

/** The npm package a bundled input file belongs to (the last `node_modules/<name>` in its path), if any. */
function packageOf(input) {
  const match = /.*node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input)
  return match?.[1]
}

/**
 * Bundles one entry source and measures it: `upFront` is the entry chunk plus every chunk it imports statically;
 * `lazy` is what only dynamic imports load. `conditions` are the export conditions esbuild resolves with.
 * @param {string} source
 * @param {{ external?: string[], conditions?: string[], ownCode?: boolean }} [options] `ownCode`: a binding's own
 *   code only, without the re-export of `@tokenlife/core` (with the core external, esbuild would add re-export helpers
 *   no app ships)
 */
export async function measureEntry(source, { external = [], conditions = [], ownCode = false } = {}) {
  const outdir = mkdtempSync(join(tmpdir(), 'tokenlife-size-'))
  try {
    const result = await build({
      entryPoints: ['bench-entry'],
      bundle: true,
      minify: true,
      format: 'esm',
      splitting: true,
      outdir,
      platform: 'browser',
      target: 'es2022',
      metafile: true,
      external,
      conditions,
      logLevel: 'error',
      define: { 'process.env.NODE_ENV': conditions.includes('development') ? '"development"' : '"production"' },
      plugins: [
        {
          name: 'entry',
          setup(plugin) {
            plugin.onResolve({ filter: /^bench-entry$/ }, () => ({ path: 'bench-entry', namespace: 'entry' }))
            plugin.onLoad({ filter: /.*/, namespace: 'entry' }, () => ({ contents: source, loader: 'js', resolveDir: benchDir }))
            if (ownCode) {
              plugin.onLoad({ filter: /packages\/(react|vue)\/dist\/(development\/)?index\.js$/ }, ({ path }) => ({
                contents: readFileSync(path, 'utf8').replace(/^export \* from ["']@tokenlife\/core["'];?$/m, ''),
                loader: 'js',
              }))
            }
          },
        },
      ],
    })
    const outputs = result.metafile.outputs
    const gz = (file) => gzipSync(readFileSync(file), { level: 9 }).length
    const entry = Object.keys(outputs).find((file) => outputs[file].entryPoint)
    const upFrontFiles = new Set()
    const visit = (file) => {
      if (upFrontFiles.has(file)) return
      upFrontFiles.add(file)
      for (const imported of outputs[file].imports) if (imported.kind === 'import-statement' && !imported.external) visit(imported.path)
    }
    visit(entry)
    let upFront = 0
    let upFrontMin = 0
    let lazy = 0
    const upFrontPackages = new Set()
    /** Minified bytes from @tokenlife/oauth and oauth4webapi, up front and lazy (0 unless the app imports them). */
    let oauthMin = 0
    for (const file of Object.keys(outputs)) {
      if (file.endsWith('.map')) continue
      for (const [input, { bytesInOutput }] of Object.entries(outputs[file].inputs)) {
        if (/packages\/oauth\/|node_modules\/oauth4webapi\//.test(input)) oauthMin += bytesInOutput
      }
      if (upFrontFiles.has(file)) {
        upFront += gz(file)
        upFrontMin += outputs[file].bytes
        for (const [input, { bytesInOutput }] of Object.entries(outputs[file].inputs)) {
          const name = packageOf(input)
          if (name && bytesInOutput > 0) upFrontPackages.add(name)
        }
      } else lazy += gz(file)
    }
    return { upFront, upFrontMin, lazy, upFrontPackages: [...upFrontPackages].sort(), oauthMin }
  } finally {
    rmSync(outdir, { recursive: true, force: true })
  }
}

/**
 * The budgets (min+gz up front, production build, bytes) of tokenlife's rows (issue 18: the cookie-mode app 12 KB,
 * with the ky helpers 17 KB, each binding's own code 1.5 KB); peers have none.
 */
export const sizeBudgets = {
  [Object.keys(sizeEntries)[0]]: 12 * 1024,
  [Object.keys(sizeEntries)[1]]: 17 * 1024,
  ...Object.fromEntries(Object.keys(bindingEntries).map((name) => [name, 1.5 * 1024])),
}

/** Every row of the size table. Sizes are deterministic: one build each, no repetition needed. */
export async function runSize() {
  const rows = []
  const entries = [
    ...Object.entries(sizeEntries).map(([name, source]) => ({ name, source, group: 'tokenlife' })),
    ...Object.entries(bindingEntries).map(([name, { source, external }]) => ({ name, source, external, ownCode: true, group: 'binding' })),
    ...Object.entries(packageEntries).map(([name, { source, external }]) => ({ name, source, external, group: 'package' })),
    ...Object.entries(peerEntries).map(([name, source]) => ({ name, source, group: 'peer' })),
  ]
  for (const entry of entries) {
    const budget = sizeBudgets[entry.name]
    const ours = entry.group !== 'peer'
    const options = { external: entry.external, ownCode: entry.ownCode }
    const measured = await measureEntry(entry.source, { ...options, conditions: ours ? ['production'] : [] })
    const development = ours ? await measureEntry(entry.source, { ...options, conditions: ['development'] }) : undefined
    rows.push({ name: entry.name, group: entry.group, budget, ...measured, development: development?.upFront })
  }
  const base = rows[0].upFront
  return rows.map((row) => ({ ...row, ratio: row.upFront / base }))
}

const kb = (bytes) => `${(bytes / 1024).toFixed(2)} KB`
/** The rows as a markdown table. */
export function sizeTable(rows) {
  const lines = [
    '| bundle | min | **min+gz up front** (production) | budget | development build (min+gz up front) | lazy chunks (min+gz) | vs tokenlife | packages up front |',
    '|---|---:|---:|---:|---:|---:|---:|---|',
  ]
  for (const row of rows) {
    const budget = row.budget ? `${kb(row.budget)} ${row.upFront <= row.budget ? '✓' : '✗ over'}` : '—'
    const packages = row.upFrontPackages.join(', ') || '—'
    const development = row.development === undefined ? '—' : kb(row.development)
    lines.push(`| ${row.name} | ${kb(row.upFrontMin)} | **${kb(row.upFront)}** | ${budget} | ${development} | ${row.lazy ? kb(row.lazy) : '—'} | ${row.ratio.toFixed(2)}× | ${packages} |`)
  }
  return lines.join('\n')
}

/**
 * Where the cookie-mode app's up-front bytes come from: the app of the first size row, bundled from the core's
 * TypeScript sources so each module is its own input: the minified bytes each module contributes, and its share.
 */
export async function sizeBreakdown() {
  const source = Object.values(sizeEntries)[0].replaceAll("'@tokenlife/core'", "'../packages/core/src/index.ts'")
  const result = await build({
    stdin: { contents: source, resolveDir: benchDir, loader: 'ts' },
    bundle: true,
    minify: true,
    format: 'esm',
    splitting: true,
    outdir: mkdtempSync(join(tmpdir(), 'tokenlife-breakdown-')),
    platform: 'browser',
    target: 'es2022',
    metafile: true,
    write: false,
    logLevel: 'error',
    define: { 'process.env.NODE_ENV': '"production"' },
  })
  const entry = Object.values(result.metafile.outputs).find((output) => output.entryPoint)
  const rows = Object.entries(entry.inputs)
    .map(([input, { bytesInOutput }]) => ({ module: input.replace(/^.*packages\/core\/src\//, '').replace(/^.*node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?/, ''), bytes: bytesInOutput }))
    .filter((row) => row.bytes > 0)
    .sort((a, b) => b.bytes - a.bytes)
  const total = rows.reduce((sum, row) => sum + row.bytes, 0)
  const lines = ['| module | min bytes | share |', '|---|---:|---:|']
  for (const row of rows) lines.push(`| ${row.module} | ${row.bytes} | ${((100 * row.bytes) / total).toFixed(1)}% |`)
  lines.push(`| **total** | **${total}** | |`)
  return lines.join('\n')
}

/** One line: what @tokenlife/oauth and oauth4webapi add to each tokenlife app (0 B where the app does not import them). */
export function oauthLine(rows) {
  const parts = rows.filter((row) => row.group === 'tokenlife').map((row) => `${row.name.replace(/ \(.*$/, '')}: ${row.oauthMin} B`)
  return `Minified bytes from @tokenlife/oauth and oauth4webapi (up front and lazy) — ${parts.join(' · ')}`
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const rows = await runSize()
  console.log(sizeTable(rows))
  console.log(`\n${oauthLine(rows)}`)
  if (process.argv.includes('--breakdown')) console.log(`\n${await sizeBreakdown()}`)
  const over = rows.filter((row) => row.budget && row.upFront > row.budget)
  if (process.argv.includes('--check') && over.length > 0) {
    console.error(`over budget: ${over.map((row) => `${row.name} ${kb(row.upFront)} > ${kb(row.budget)}`).join('; ')}`)
    process.exit(1)
  }
}

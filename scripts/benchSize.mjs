// Prints the minified + gzipped size of @tokenlife/core as an app would ship it: the built ESM entry bundled with
// every runtime dependency (ky, jwt-decode, idb-keyval; broadcast-channel is loaded lazily, only in browsers
// without Web Locks, so its chunk is reported apart). Not a test. Run `pnpm --filter @tokenlife/core build` first.
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'
import { build } from 'esbuild'

const entry = fileURLToPath(new URL('../packages/core/dist/index.js', import.meta.url))
const outdir = mkdtempSync(join(tmpdir(), 'tokenlife-size-'))
const kb = (bytes) => `${(bytes / 1024).toFixed(2)} KB`
const measure = (file) => {
  const code = readFileSync(file)
  return { min: code.length, gz: gzipSync(code, { level: 9 }).length }
}
try {
  await build({ entryPoints: { index: entry }, bundle: true, minify: true, format: 'esm', splitting: true, outdir, platform: 'browser', target: 'es2022', logLevel: 'error' })
  const rows = readdirSync(outdir).map((name) => {
    const { min, gz } = measure(join(outdir, name))
    return { chunk: name === 'index.js' ? 'index.js (loaded by every app)' : `${name} (lazy: browsers without Web Locks or BroadcastChannel)`, minified: kb(min), 'min+gz': kb(gz), gz }
  })
  const main = rows.find((row) => row.chunk.startsWith('index.js'))
  const total = rows.reduce((sum, row) => sum + row.gz, 0)
  console.log('@tokenlife/core bundled with its dependencies (esbuild, minified, gzip -9):')
  console.table(rows.map(({ gz: _gz, ...row }) => row))
  console.log(`Loaded by every app: ${kb(main.gz)} min+gz (budget 15 KB). Everything, lazy chunk included: ${kb(total)}.`)
} finally {
  rmSync(outdir, { recursive: true, force: true })
}

// Prints the minified + gzipped size of @tokenlife/core as apps ship it (not a test): small apps that import what a
// real app imports, bundled by esbuild for the browser with code splitting, gzip -9. "Up front" is the entry chunk
// and every chunk it imports statically; chunks behind a dynamic import (the IndexedDB adapter in storage mode, the
// broadcast-channel fallback) are reported apart. Run `pnpm --filter @tokenlife/core build` first.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'
import { build } from 'esbuild'

const dist = (file) => JSON.stringify(fileURLToPath(new URL(`../packages/core/dist/${file}`, import.meta.url)))
const core = dist('index.js')
const kyEntry = dist('ky.js')

/** What each app imports, with the budget the architecture issue set for it (KB, min+gz, up front). */
const apps = [
  {
    name: 'cookie-mode app: createAuthClient + createAuthFetch',
    budget: 8,
    code: `import { createAuthClient, createAuthFetch } from ${core}
      const auth = createAuthClient({ refreshUrl: '/auth/refresh' })
      export const api = createAuthFetch(auth)`,
  },
  {
    name: 'the same + the ky helpers (ky included)',
    budget: 13,
    code: `import { createAuthClient, createAuthFetch } from ${core}
      import { createAuthHttp } from ${kyEntry}
      const auth = createAuthClient({ refreshUrl: '/auth/refresh' })
      export const api = createAuthFetch(auth)
      export const http = createAuthHttp(auth)`,
  },
  {
    name: 'storage-mode app (IndexedDB by default): createAuthClient + createAuthFetch',
    code: `import { createAuthClient, createAuthFetch } from ${core}
      const auth = createAuthClient({ refreshUrl: '/auth/refresh', refreshToken: 'storage' })
      export const api = createAuthFetch(auth)`,
  },
  { name: 'every export of both entries', code: `export * from ${core}\nexport * from ${kyEntry}` },
]

const kb = (bytes) => (bytes / 1024).toFixed(2)
const gz = (file) => gzipSync(readFileSync(file), { level: 9 }).length

const rows = []
for (const app of apps) {
  const outdir = mkdtempSync(join(tmpdir(), 'tokenlife-size-'))
  try {
    const result = await build({
      stdin: { contents: app.code, resolveDir: process.cwd(), sourcefile: 'app.js' },
      bundle: true,
      minify: true,
      format: 'esm',
      splitting: true,
      outdir,
      platform: 'browser',
      target: 'es2022',
      metafile: true,
      logLevel: 'error',
    })
    const outputs = result.metafile.outputs
    const entry = Object.keys(outputs).find((file) => outputs[file].entryPoint !== undefined)
    const upFront = new Set()
    const visit = (file) => {
      if (upFront.has(file)) return
      upFront.add(file)
      for (const { path, kind } of outputs[file].imports) if (kind === 'import-statement' && outputs[path]) visit(path)
    }
    visit(entry)
    const lazy = Object.keys(outputs).filter((file) => file.endsWith('.js') && !upFront.has(file))
    const upFrontBytes = [...upFront].reduce((sum, file) => sum + gz(file), 0)
    rows.push({
      app: app.name,
      'up front (KB)': kb(upFrontBytes),
      budget: app.budget === undefined ? '—' : `≤ ${app.budget}${upFrontBytes / 1024 <= app.budget ? '' : '  MISSED'}`,
      'lazy chunks (KB)': lazy.map((file) => `${relative(outdir, file).replace(/-[A-Z0-9]+\.js$/, '')} ${kb(gz(file))}`).join(', ') || '—',
    })
  } finally {
    rmSync(outdir, { recursive: true, force: true })
  }
}
console.log('@tokenlife/core as apps ship it (esbuild, browser ESM, splitting, minified, gzip -9):')
console.table(rows)

import { readFile, realpath, stat } from 'node:fs/promises'
import { extname, resolve, sep } from 'node:path'
import type { Context, Env, Hono } from 'hono'
import { HttpError } from '@tokenlife/server'

const MIME_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
}

/** `'react'`, `'/react'`, `'/react/'` → `'/react/'`. */
export function normalizeMountPath(path: string): string {
  const trimmed = path.replace(/^\/+|\/+$/g, '')
  return trimmed === '' ? '/' : `/${trimmed}/`
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile()
  } catch {
    return false
  }
}

/**
 * Serves a built single-page app from `root` under `mountPath` (e.g. `/react/`). A path that names no file falls
 * back to `index.html` so client-side routes work; a missing path with a file extension (a missing asset) is 404.
 */
export function mountSpa<E extends Env>(app: Hono<E>, mountPath: string, root: string): void {
  const prefix = normalizeMountPath(mountPath)
  const absoluteRoot = resolve(root)
  const realRoot = realpath(absoluteRoot).catch(() => absoluteRoot)

  if (prefix !== '/') app.get(prefix.slice(0, -1), (c) => c.redirect(prefix, 301))

  app.get(`${prefix}*`, async (c) => {
    const relative = decodePath(c.req.path.slice(prefix.length))
    const candidate = resolve(absoluteRoot, `.${sep}${relative}`)
    const base = await realRoot
    if (relative !== '' && (await isFile(candidate))) {
      const real = await realpath(candidate)
      if (real.startsWith(base + sep)) return sendFile(c, real, relative.startsWith('assets/'))
    }
    const lastSegment = relative.split('/').pop() ?? ''
    if (lastSegment.includes('.')) throw new HttpError(404, 'not_found', `no file ${c.req.path}`)
    const index = resolve(base, 'index.html')
    if (!(await isFile(index))) throw new HttpError(404, 'not_found', `no index.html in ${prefix}`)
    return sendFile(c, index, false)
  })
}

function decodePath(path: string): string {
  let decoded: string
  try {
    decoded = decodeURIComponent(path)
  } catch {
    throw new HttpError(400, 'invalid_request', 'malformed path')
  }
  if (decoded.includes('\0') || decoded.includes('\\')) throw new HttpError(400, 'invalid_request', 'malformed path')
  return decoded
}

async function sendFile(c: Context, path: string, immutable: boolean): Promise<Response> {
  const body = await readFile(path)
  c.header('Content-Type', MIME_TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream')
  // Vite puts content-hashed files under assets/; everything else (index.html above all) must be revalidated.
  c.header('Cache-Control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache')
  return c.body(new Uint8Array(body), 200)
}

/** The small HTML page at `/` linking to the mounted apps. */
export function indexPage(mounts: string[]): string {
  const links = mounts.length
    ? mounts.map((m) => `<li><a href="${escapeHtml(m)}">${escapeHtml(m)}</a></li>`).join('\n      ')
    : '<li>No SPA build found: build examples/react-app or examples/vue-app, then restart.</li>'
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>tokenlife example server</title>
  </head>
  <body>
    <h1>tokenlife example server</h1>
    <ul>
      ${links}
    </ul>
    <p>Demo user: <code>demo@tokenlife.dev</code> / <code>demo-password</code></p>
  </body>
</html>
`
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`)
}

// A static server for the Chromium tests: two small apps on one origin (127.0.0.1, a free port). /app/ runs a core
// client (cookie or storage mode, from ?mode=); /oidc/ signs in with @tokenlife/oauth. The mock servers answer
// through Playwright's router, so the static server has no /auth of its own.
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

const appScript = `
import { createAuthClient } from '@tokenlife/core'
const mode = new URLSearchParams(location.search).get('mode') ?? 'cookie'
const auth = createAuthClient({ refreshUrl: '/auth/refresh', loginUrl: '/auth/login', logoutUrl: '/auth/logout', refreshToken: mode })
auth.subscribe((state) => {
  document.body.dataset.status = state.status
  document.body.dataset.sub = String(state.claims?.sub ?? '')
  document.body.dataset.error = state.error?.name ?? ''
})
window.auth = auth
void auth.start()
`

const oidcScript = `
import { createOAuthClient } from '@tokenlife/oauth'
const oauth = createOAuthClient({ issuer: window.ISSUER, clientId: 'browser-spa', redirectUri: '/oidc/callback', postLogoutRedirectUri: location.origin + '/oidc/' })
oauth.auth.subscribe((state) => {
  document.body.dataset.status = state.status
  document.body.dataset.user = String(state.user?.name ?? '')
})
window.oauth = oauth
if (oauth.isRedirectCallback()) oauth.handleRedirectCallback().then(({ returnTo }) => { document.body.dataset.returnTo = returnTo }, (error) => { document.body.dataset.error = error.name })
else void oauth.auth.start()
`

async function bundle(source: string): Promise<string> {
  const result = await build({
    stdin: { contents: source, resolveDir: fileURLToPath(new URL('.', import.meta.url)) },
    bundle: true,
    format: 'iife',
    write: false,
    logLevel: 'silent',
  })
  return result.outputFiles[0]!.text
}

/** The running static server. */
export interface Pages {
  url: string
  close(): Promise<void>
}

/** Serves the two apps; `issuer` is where /oidc/ signs in. */
export async function servePages(issuer: string): Promise<Pages> {
  const [app, oidc] = await Promise.all([bundle(appScript), bundle(oidcScript)])
  const html = (script: string) => `<!doctype html><meta charset="utf-8"><title>app</title><body><script>window.ISSUER = ${JSON.stringify(issuer)}</script><script src="${script}"></script></body>`
  const server: Server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://x').pathname
    const send = (type: string, body: string) => response.writeHead(200, { 'Content-Type': type }).end(body)
    if (path === '/app.js') return send('text/javascript', app)
    if (path === '/oidc.js') return send('text/javascript', oidc)
    if (path.startsWith('/app/')) return send('text/html', html('/app.js'))
    if (path.startsWith('/oidc/')) return send('text/html', html('/oidc.js'))
    response.writeHead(404).end()
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) }
}

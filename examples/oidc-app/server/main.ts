// `pnpm demo:oidc`: a local OpenID Connect provider (oidc-provider, with its login form) and the example app that
// signs in there with @tokenlife/oauth, each on its own origin, plus the API the app calls with its access token.
import { readFile } from 'node:fs/promises'
import { createServer } from 'node:http'
import { extname, join, normalize } from 'node:path'
import process from 'node:process'
import { fileURLToPath } from 'node:url'
import { API, apiVerifier, CLIENT_ID, startProvider } from '@tokenlife/example-oidc-provider'

const host = '127.0.0.1'
const port = Number(process.env.PORT ?? 5180)
const providerPort = Number(process.env.PROVIDER_PORT ?? 5181)
const accessTokenTtl = Number(process.env.ACCESS_TOKEN_TTL ?? 30)
const appOrigin = `http://${host}:${port}`
const dist = fileURLToPath(new URL('../dist/', import.meta.url))
const types: Record<string, string> = { '.js': 'text/javascript', '.css': 'text/css', '.html': 'text/html', '.svg': 'image/svg+xml', '.map': 'application/json' }

const op = await startProvider({ appOrigins: [appOrigin, `http://localhost:${port}`], port: providerPort, accessTokenTtl })
const verify = apiVerifier(op.issuer)
/** What the app needs to know about the provider: read once from the page (see src/config.ts). */
const config = `<script>window.tokenlifeDemo=${JSON.stringify({ issuer: op.issuer, clientId: CLIENT_ID, api: API })}</script>`

let index: string
try {
  index = (await readFile(join(dist, 'index.html'), 'utf8')).replace('</head>', `${config}</head>`)
} catch {
  console.error(`${dist}index.html is missing: build the app first (pnpm demo:oidc does)`)
  process.exit(1)
}

createServer((request, response) => {
  const path = new URL(request.url ?? '/', appOrigin).pathname
  if (path === '/api/me') {
    void verify(request.headers.authorization).then((sub) =>
      sub
        ? response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ sub, at: new Date().toISOString() }))
        : response.writeHead(401, { 'www-authenticate': 'Bearer error="invalid_token"' }).end(),
    )
    return
  }
  const file = normalize(join(dist, path))
  const type = types[extname(file)]
  if (!type || !file.startsWith(dist)) {
    // Every other path is a route of the single-page app (/, /callback, /account).
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(index)
    return
  }
  readFile(file).then(
    (body) => response.writeHead(200, { 'content-type': type }).end(body),
    () => response.writeHead(404).end(),
  )
}).listen(port, host, () => {
  console.log(`tokenlife OpenID Connect demo: ${appOrigin}/`)
  console.log(`  the provider (oidc-provider 9, any login name and password): ${op.issuer}`)
  console.log(`  access tokens live ${accessTokenTtl} s (ACCESS_TOKEN_TTL); open a second tab and watch one refresh serve both`)
})

// DPoP's proof cost where it is paid: in a real browser (Debian's Chromium), with the browser's own Web Crypto,
// IndexedDB and fetch, against a loopback server. The same measure as part 1 of dpop.mjs: createAuthFetch with
// `dpop: true` ÷ without, two clients taking turns one request at a time in a rotating order, each request timed
// alone in the page (performance.now(), 100 µs steps: each run's figure is the mean of its middle 90 %), the medians
// of `REPEATS` runs compared (goal ≤ 1.10), and one proof alone
// (`auth.dpop.proof`). The server checks that each request carries what it should (`Bearer` and no proof, or `DPoP`
// and a proof naming the session's key), as dpop.mjs's does.
// Run: `pnpm build`, then `node packages/core/bench/dpopBrowser.mjs` (part of `pnpm bench:dpop`). Prints; asserts nothing timed.
import { Buffer } from 'node:buffer'
import { createHash } from 'node:crypto'
import { createServer } from 'node:http'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { launchChromium } from '@tokenlife/test-utils/chromium'
import { build } from 'esbuild'

const REPEATS = Number(process.env.REPEATS ?? 5)
const REQUESTS = Number(process.env.REQUESTS ?? 1_000)
const here = dirname(fileURLToPath(import.meta.url))

/** The page's code: two clients, one with DPoP, and the timing loop (runs in the browser). */
const pageSource = `
import { createAuthClient, createAuthFetch, memoryStorage } from ${JSON.stringify(resolve(here, '../dist/index.js'))}
const b64 = (value) => btoa(JSON.stringify(value)).replace(/\\+/g, '-').replace(/\\//g, '_').replace(/=+$/, '')
const accessToken = (jkt) => {
  const iat = Math.floor(Date.now() / 1000)
  return b64({ alg: 'HS256', typ: 'JWT' }) + '.' + b64({ sub: 'bench', iat, exp: iat + 86400, ...(jkt ? { cnf: { jkt } } : {}) }) + '.sig'
}
const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}
// The page's clock ticks in 100 µs steps (no cross-origin isolation): a median is one of those steps, so each run's
// figure is the mean of its middle 90 % instead (the slowest and fastest 5 % left out).
const middleMean = (values) => {
  const sorted = [...values].sort((a, b) => a - b)
  const cut = Math.floor(sorted.length * 0.05)
  const kept = sorted.slice(cut, sorted.length - cut)
  return kept.reduce((sum, value) => sum + value, 0) / kept.length
}
window.runBench = async ({ requests, repeats }) => {
  const origin = location.origin
  const url = origin + '/api/items'
  const plain = createAuthClient({ refreshUrl: origin + '/token', allowedOrigins: [origin], namespace: 'bench-bearer' })
  const bearer = accessToken(undefined)
  plain.setTokens({ accessToken: bearer })
  const dpop = createAuthClient({ refreshUrl: origin + '/token', allowedOrigins: [origin], namespace: 'bench-dpop', dpop: true, refreshToken: 'storage', storage: memoryStorage() })
  const key = await dpop.dpop.createKey()
  const bound = accessToken(key.jkt)
  dpop.setTokens({ accessToken: bound, refreshToken: 'rt', dpopJkt: key.jkt })
  await fetch(origin + '/expect', { method: 'POST', body: JSON.stringify({ bearer: 'Bearer ' + bearer, dpop: 'DPoP ' + bound, jkt: key.jkt }) })
  const clients = [createAuthFetch(plain), createAuthFetch(dpop)]
  const timed = async (authFetch) => {
    const start = performance.now()
    const response = await authFetch(url)
    const data = await response.json()
    const elapsed = performance.now() - start
    if (data.ok !== true) throw new Error('HTTP ' + response.status)
    return elapsed
  }
  for (let i = 0; i < 200; i++) for (const client of clients) await timed(client) // warm-up
  const medians = clients.map(() => [])
  for (let run = 0; run < repeats; run++) {
    const times = clients.map(() => [])
    for (let round = 0; round < requests; round++)
      for (let k = 0; k < clients.length; k++) {
        const index = (k + round) % clients.length
        times[index].push(await timed(clients[index]))
      }
    times.forEach((list, index) => medians[index].push(middleMean(list)))
  }
  const proofTimes = []
  for (let i = 0; i < 1000; i++) {
    const start = performance.now()
    await dpop.dpop.proof({ method: 'GET', url, accessToken: bound })
    proofTimes.push(performance.now() - start)
  }
  plain.destroy()
  dpop.destroy()
  return { bearerMs: median(medians[0]), dpopMs: median(medians[1]), proofMs: middleMean(proofTimes) }
}
`

const bundle = await build({
  stdin: { contents: pageSource, resolveDir: here, loader: 'js' },
  bundle: true,
  format: 'esm',
  minify: true,
  write: false,
  platform: 'browser',
  define: { 'process.env.NODE_ENV': '"production"' },
})
const script = bundle.outputFiles[0].text

const decode = (jwt, part) => JSON.parse(Buffer.from(jwt.split('.')[part], 'base64url').toString())
const thumbprint = ({ crv, kty, x, y }) => createHash('sha256').update(JSON.stringify({ crv, kty, x, y })).digest('base64url')
const answer = JSON.stringify({ ok: true, items: [1, 2, 3] })
let expected = { bearer: '', dpop: '', jkt: '' }
// A proof's header is the same for every proof of one key: its thumbprint is worked out once.
const keyOfHeader = new Map()
const keyOf = (proof) => {
  const header = proof.slice(0, proof.indexOf('.'))
  if (!keyOfHeader.has(header)) keyOfHeader.set(header, thumbprint(decode(proof, 0).jwk))
  return keyOfHeader.get(header)
}
const server = createServer((request, response) => {
  if (request.url === '/') return response.writeHead(200, { 'Content-Type': 'text/html' }).end('<!doctype html><script type="module" src="/bench.js"></script>')
  if (request.url === '/bench.js') return response.writeHead(200, { 'Content-Type': 'text/javascript' }).end(script)
  if (request.url === '/expect') {
    let text = ''
    request.on('data', (chunk) => (text += chunk))
    request.on('end', () => {
      expected = JSON.parse(text)
      response.writeHead(204).end()
    })
    return
  }
  const authorization = request.headers.authorization
  const proof = request.headers.dpop
  const ok = authorization === expected.bearer ? proof === undefined : authorization === expected.dpop && typeof proof === 'string' && keyOf(proof) === expected.jkt
  if (!ok) return response.writeHead(401).end()
  response.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(answer) }).end(answer)
})
await new Promise((done) => server.listen(0, '127.0.0.1', done))
const browser = await launchChromium()
try {
  const page = await browser.newPage()
  await page.goto(`http://127.0.0.1:${server.address().port}/`)
  await page.waitForFunction(() => typeof window.runBench === 'function')
  const { bearerMs, dpopMs, proofMs } = await page.evaluate((options) => window.runBench(options), { requests: REQUESTS, repeats: REPEATS })
  console.log(`proof cost in Chromium ${browser.version()} (${REPEATS} runs × ${REQUESTS} requests each, loopback; per run the mean of the middle 90 %, then the median of the runs):`)
  console.log(`  createAuthFetch, bearer      ${(bearerMs * 1000).toFixed(0)} µs/request`)
  console.log(`  createAuthFetch, dpop: true  ${(dpopMs * 1000).toFixed(0)} µs/request`)
  console.log(`  ratio dpop ÷ bearer          ${(dpopMs / bearerMs).toFixed(3)}   (goal ≤ 1.10)`)
  console.log(`  one proof alone              ${(proofMs * 1000).toFixed(0)} µs (auth.dpop.proof, mean of the middle 90 % of 1000)`)
} finally {
  await browser.close()
  server.closeAllConnections()
  await new Promise((done) => server.close(done))
}

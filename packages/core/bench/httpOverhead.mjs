/**
 * Per-request overhead of `createAuthHttp(auth)` (ky + tokenlife) against plain ky, side by side in one run, on a loopback Node
 * server that checks the bearer token. Not a test: it prints numbers and exits.
 *
 *   pnpm --filter @tokenlife/core build   # the benchmark imports the built dist; it builds nothing itself
 *   pnpm bench:http                       # = node packages/core/bench/httpOverhead.mjs
 *
 * Both clients send the same request (plain ky with a fixed `Authorization` header), so the difference is what
 * tokenlife adds: the origin check, reading the token, attaching it, and looking at the status for a 401.
 * Requests alternate between the two clients one by one (AB BA AB …), so load from other processes hits both
 * alike; each request is timed on its own and the medians are compared. The run stops after BENCH_REQUESTS
 * requests per client (default 15 000) or 20 s of measuring, whichever comes first, and always exits by itself.
 */
import { Buffer } from 'node:buffer'
import { createServer } from 'node:http'
import { performance } from 'node:perf_hooks'
import process from 'node:process'
import ky from 'ky'
import { createAuthClient } from '../dist/index.js'
import { createAuthHttp } from '../dist/ky.js'

const perClient = Number(process.env.BENCH_REQUESTS ?? 15_000)
const warmup = 500
const budgetMs = 20_000

const base64url = (value) => Buffer.from(JSON.stringify(value)).toString('base64url')
const nowSeconds = Math.floor(Date.now() / 1000)
const claims = { sub: 'bench', iat: nowSeconds, exp: nowSeconds + 86_400 }
const token = `${base64url({ alg: 'HS256', typ: 'JWT' })}.${base64url(claims)}.sig`
const expected = `Bearer ${token}`
const body = JSON.stringify({ ok: true, items: [1, 2, 3] })

const server = createServer((request, response) => {
  if (request.headers.authorization !== expected) {
    response.writeHead(401, { 'WWW-Authenticate': 'Bearer error="invalid_token"' }).end()
    return
  }
  response.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) }).end(body)
})
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
const origin = `http://127.0.0.1:${server.address().port}`
const url = `${origin}/api/items`

const auth = createAuthClient({ refreshUrl: `${origin}/auth/refresh`, allowedOrigins: [origin] })
auth.setTokens({ accessToken: token })
const clients = [
  { name: 'plain ky', client: ky.create({ headers: { Authorization: expected } }), times: [] },
  { name: 'createAuthHttp', client: createAuthHttp(auth), times: [] },
]

async function timed(entry) {
  const start = performance.now()
  const data = await entry.client.get(url).json()
  const elapsed = performance.now() - start
  if (data.ok !== true) throw new Error(`${entry.name}: unexpected response`)
  return elapsed
}

const median = (values) => {
  const sorted = Float64Array.from(values).sort()
  const middle = sorted.length >> 1
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}

let exitCode = 0
try {
  // Warm up: JIT, keep-alive sockets, the token already read once.
  for (let i = 0; i < warmup; i++) for (const entry of clients) await timed(entry)

  const startedAt = performance.now()
  let pairs = 0
  while (pairs < perClient && performance.now() - startedAt < budgetMs) {
    const order = pairs % 2 === 0 ? clients : [clients[1], clients[0]]
    for (const entry of order) entry.times.push(await timed(entry))
    pairs++
  }
  const seconds = ((performance.now() - startedAt) / 1000).toFixed(1)

  const [plainUs, authUs] = clients.map((entry) => median(entry.times) * 1000)
  console.log(`createAuthHttp vs plain ky: ${pairs} sequential GETs each, alternating, loopback ${origin}, ${seconds} s`)
  console.log(`  plain ky   median ${plainUs.toFixed(1)} µs/request`)
  console.log(`  createAuthHttp  median ${authUs.toFixed(1)} µs/request  (${authUs >= plainUs ? '+' : ''}${(authUs - plainUs).toFixed(1)} µs)`)
  console.log(`  ratio createAuthHttp / plain ky = ${(authUs / plainUs).toFixed(3)}  (goal <= 1.05)`)
} catch (error) {
  console.error(error)
  exitCode = 1
} finally {
  auth.destroy()
  server.closeAllConnections()
  server.close()
  // Whatever undici or the client still holds open must not keep the benchmark running.
  process.exit(exitCode)
}

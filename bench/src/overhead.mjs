// Part 5, request overhead: tokenlife's fetch helper against plain fetch and its ky helper against plain ky, on a
// loopback Node server that checks the bearer token (Node's fetch, not a browser). The four clients send the same
// request and take turns one request at a time, in a rotating order, so load from other processes hits them alike;
// each request is timed alone and the medians compared (ratio; goal <= 1.05). Then getAccessToken() on the hot path
// (a valid token in memory), calls per second. Each figure is the median over `repeats` runs.
// Moved here from packages/core/bench/httpOverhead.mjs. Run directly: `node bench/src/overhead.mjs` (after `pnpm build`).
import { Buffer } from 'node:buffer'
import { createServer } from 'node:http'
import { performance } from 'node:perf_hooks'
import process from 'node:process'
import { fileURLToPath } from 'node:url'
import ky from 'ky'
import { fmt, median } from './stats.mjs'
import { overheadClients } from './tokenlife.mjs'

const b64 = (value) => Buffer.from(JSON.stringify(value)).toString('base64url')

/**
 * @param {{ requests?: number, repeats?: number, budgetMs?: number, tokenCalls?: number }} [options]
 *   `requests`: per client and run; `budgetMs`: a run stops measuring after this long whatever `requests` says.
 */
export async function runOverhead({ requests = 5_000, repeats = 5, budgetMs = 15_000, tokenCalls = 200_000 } = {}) {
  const now = Math.floor(Date.now() / 1000)
  const token = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ sub: 'bench', iat: now, exp: now + 86_400 })}.sig`
  const expected = `Bearer ${token}`
  const body = JSON.stringify({ ok: true, items: [1, 2, 3] })
  const server = createServer((request, response) => {
    if (request.headers.authorization !== expected) return response.writeHead(401, { 'WWW-Authenticate': 'Bearer error="invalid_token"' }).end()
    response.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) }).end(body)
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  const origin = `http://127.0.0.1:${server.address().port}`
  const url = `${origin}/api/items`
  const tokenlife = overheadClients({ refreshUrl: `${origin}/auth/refresh`, origin, accessToken: token })
  const plainKy = ky.create({ headers: { Authorization: expected } })
  const clients = [
    { name: 'plain fetch', call: async () => (await fetch(url, { headers: { Authorization: expected } })).json() },
    { name: 'tokenlife fetch helper', call: async () => (await tokenlife.fetch(url)).json() },
    { name: 'plain ky', call: () => plainKy.get(url).json() },
    { name: 'tokenlife ky helper', call: () => tokenlife.http.get(url).json() },
  ]
  const timed = async (client) => {
    const start = performance.now()
    const data = await client.call()
    const elapsed = performance.now() - start
    if (data.ok !== true) throw new Error(`${client.name}: unexpected response`)
    return elapsed
  }
  const runs = []
  try {
    for (let i = 0; i < Math.min(500, requests); i++) for (const client of clients) await timed(client) // warm-up
    for (let run = 0; run < repeats; run++) {
      const times = clients.map(() => [])
      const startedAt = performance.now()
      for (let round = 0; round < requests && performance.now() - startedAt < budgetMs; round++) {
        for (let k = 0; k < clients.length; k++) {
          const index = (k + round) % clients.length
          times[index].push(await timed(clients[index]))
        }
      }
      const medians = times.map((list) => median(list) * 1000)
      let calls = 0
      const tokenStart = performance.now()
      while (calls < tokenCalls && performance.now() - tokenStart < budgetMs) {
        await tokenlife.getAccessToken()
        calls++
      }
      runs.push({ medians, count: times[0].length, tokenPerSecond: calls / ((performance.now() - tokenStart) / 1000) })
    }
  } finally {
    tokenlife.destroy()
    server.closeAllConnections()
    server.close()
  }
  const us = clients.map((_, index) => median(runs.map((run) => run.medians[index])))
  return {
    origin,
    repeats,
    requestsPerRun: median(runs.map((run) => run.count)),
    rows: clients.map((client, index) => ({ name: client.name, medianUs: us[index] })),
    fetchRatio: median(runs.map((run) => run.medians[1] / run.medians[0])),
    kyRatio: median(runs.map((run) => run.medians[3] / run.medians[2])),
    tokenPerSecond: median(runs.map((run) => run.tokenPerSecond)),
  }
}

/** The result as markdown. */
export function overheadTable(result) {
  const [plainFetch, helperFetch, plainKy, helperKy] = result.rows
  return [
    '| request path | median µs/request | ratio (same run) |',
    '|---|---:|---:|',
    `| ${plainFetch.name} | ${fmt(plainFetch.medianUs, 1)} | 1.000 |`,
    `| ${helperFetch.name} (\`createAuthFetch\`) | ${fmt(helperFetch.medianUs, 1)} | **${fmt(result.fetchRatio, 3)}** |`,
    `| ${plainKy.name} | ${fmt(plainKy.medianUs, 1)} | 1.000 |`,
    `| ${helperKy.name} (\`createAuthHttp\`) | ${fmt(helperKy.medianUs, 1)} | **${fmt(result.kyRatio, 3)}** |`,
    '',
    `\`getAccessToken()\` with a valid token in memory: **${Math.round(result.tokenPerSecond).toLocaleString('en-US')} calls/s** (awaited one at a time).`,
    '',
    `${result.repeats} runs × ${result.requestsPerRun} sequential GETs per client, rotating order; ratios are per-run medians, then the median over runs (goal ≤ 1.05).`,
  ].join('\n')
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const result = await runOverhead({ requests: Number(process.env.BENCH_REQUESTS ?? 5_000), repeats: Number(process.env.BENCH_REPEATS ?? 5) })
  console.log(overheadTable(result))
  process.exit(0)
}

// DPoP's figures (issue 21), in Node against loopback servers, with the built package (`pnpm build` first):
//   1. proof cost: createAuthFetch with `dpop: true` ÷ without. Two clients take turns one request at a time in a
//      rotating order against one server; each request is timed alone, and the medians of `repeats` runs compared
//      (goal ≤ 1.10). The server checks only that each request carries what it should (`Bearer` + no proof, or
//      `DPoP` + a proof naming the session's key): the client's cost is measured, not a resource server's.
//   2. requests per refresh with a server that requires its nonce in every token request and rotates it in every
//      answer: the first refresh pays one `use_dpop_nonce` round trip, every later one a single request.
// IndexedDB is fake-indexeddb (Node has none); WebCrypto is Node's (ES256 signing as in a browser, not the same speed).
// Run: `pnpm bench:dpop` (or `node packages/core/bench/dpop.mjs` after `pnpm build`). Prints; asserts nothing timed.
import 'fake-indexeddb/auto'
import { Buffer } from 'node:buffer'
import { createHash } from 'node:crypto'
import { createServer } from 'node:http'
import { performance } from 'node:perf_hooks'
import { createAuthClient, createAuthFetch, memoryStorage } from '../dist/index.js'

const REPEATS = Number(process.env.REPEATS ?? 5)
const REQUESTS = Number(process.env.REQUESTS ?? 2_000)
const REFRESHES = Number(process.env.REFRESHES ?? 20)

const b64 = (value) => Buffer.from(JSON.stringify(value)).toString('base64url')
const decode = (jwt, part) => JSON.parse(Buffer.from(jwt.split('.')[part], 'base64url').toString())
const thumbprint = ({ crv, kty, x, y }) => createHash('sha256').update(JSON.stringify({ crv, kty, x, y })).digest('base64url')
/** An unsigned JWT access token (the client does not verify signatures), bound to `jkt` when given. */
const accessToken = (jkt, serial = 0) => {
  const iat = Math.floor(Date.now() / 1000)
  return `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ sub: 'bench', iat, exp: iat + 86_400, jti: `at-${serial}`, ...(jkt ? { cnf: { jkt } } : {}) })}.sig`
}
const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}
const listen = async (handler) => {
  const server = createServer(handler)
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  return { server, origin: `http://127.0.0.1:${server.address().port}` }
}
const body = (request) =>
  new Promise((resolve) => {
    let text = ''
    request.on('data', (chunk) => (text += chunk))
    request.on('end', () => resolve(text))
  })

async function proofCost() {
  const bearer = accessToken(undefined)
  const expected = { bearer: `Bearer ${bearer}`, dpop: '' }
  let jkt = ''
  const answer = JSON.stringify({ ok: true, items: [1, 2, 3] })
  // A proof's header is the same for every proof of one key: its thumbprint is worked out once (server cost is not
  // what is measured).
  const keyOfHeader = new Map()
  const keyOf = (proof) => {
    const header = proof.slice(0, proof.indexOf('.'))
    if (!keyOfHeader.has(header)) keyOfHeader.set(header, thumbprint(decode(proof, 0).jwk))
    return keyOfHeader.get(header)
  }
  const { server, origin } = await listen((request, response) => {
    const authorization = request.headers.authorization
    const proof = request.headers.dpop
    const ok = authorization === expected.bearer ? proof === undefined : authorization === expected.dpop && typeof proof === 'string' && keyOf(proof) === jkt
    if (!ok) return response.writeHead(401).end()
    response.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(answer) }).end(answer)
  })
  const url = `${origin}/api/items`
  const plain = createAuthClient({ refreshUrl: `${origin}/token`, allowedOrigins: [origin], namespace: 'bench-bearer' })
  plain.setTokens({ accessToken: bearer })
  const dpop = createAuthClient({ refreshUrl: `${origin}/token`, allowedOrigins: [origin], namespace: 'bench-dpop', dpop: true, refreshToken: 'storage', storage: memoryStorage() })
  const key = await dpop.dpop.createKey()
  jkt = key.jkt
  const bound = accessToken(jkt)
  expected.dpop = `DPoP ${bound}`
  dpop.setTokens({ accessToken: bound, refreshToken: 'rt', dpopJkt: jkt })
  const clients = [
    { name: 'createAuthFetch, bearer', fetch: createAuthFetch(plain) },
    { name: 'createAuthFetch, dpop: true', fetch: createAuthFetch(dpop) },
  ]
  const timed = async (client) => {
    const start = performance.now()
    const response = await client.fetch(url)
    const data = await response.json()
    const elapsed = performance.now() - start
    if (data.ok !== true) throw new Error(`${client.name}: HTTP ${response.status}`)
    return elapsed
  }
  try {
    for (let i = 0; i < 300; i++) for (const client of clients) await timed(client) // warm-up
    const medians = clients.map(() => [])
    for (let run = 0; run < REPEATS; run++) {
      const times = clients.map(() => [])
      for (let round = 0; round < REQUESTS; round++) {
        for (let k = 0; k < clients.length; k++) {
          const index = (k + round) % clients.length
          times[index].push(await timed(clients[index]))
        }
      }
      times.forEach((list, index) => medians[index].push(median(list)))
    }
    const [bearerMs, dpopMs] = medians.map(median)
    // One proof alone (what the page adds to each request): ES256 signing with Node's WebCrypto, one at a time.
    const proofTimes = []
    for (let i = 0; i < 2_000; i++) {
      const start = performance.now()
      await dpop.dpop.proof({ method: 'GET', url, accessToken: bound })
      proofTimes.push(performance.now() - start)
    }
    console.log(`proof cost (${REPEATS} runs × ${REQUESTS} requests each, loopback, medians):`)
    console.log(`  createAuthFetch, bearer      ${(bearerMs * 1000).toFixed(0)} µs/request`)
    console.log(`  createAuthFetch, dpop: true  ${(dpopMs * 1000).toFixed(0)} µs/request`)
    console.log(`  ratio dpop ÷ bearer          ${(dpopMs / bearerMs).toFixed(3)}   (goal ≤ 1.10)`)
    console.log(`  one proof alone              ${(median(proofTimes) * 1000).toFixed(0)} µs (auth.dpop.proof, median of 2000)`)
  } finally {
    plain.destroy()
    dpop.destroy()
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
  }
}

async function requestsPerRefresh() {
  let nonce = 'n-0'
  let serial = 0
  let jkt = ''
  const tokenRequests = []
  const send = (response, status, json) => response.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', 'DPoP-Nonce': nonce }).end(JSON.stringify(json))
  const { server, origin } = await listen(async (request, response) => {
    if (request.url !== '/token') return response.writeHead(404).end()
    await body(request)
    const proof = request.headers.dpop
    const claims = proof && decode(proof, 1)
    const ok = claims && claims.nonce === nonce && thumbprint(decode(proof, 0).jwk) === jkt
    tokenRequests.push(ok ? 'ok' : 'use_dpop_nonce')
    if (!ok) return send(response, 400, { error: 'use_dpop_nonce', error_description: 'the proof must carry the server nonce' })
    nonce = `n-${++serial}` // a new nonce in every answer, which the next proof must carry
    send(response, 200, { access_token: accessToken(jkt, serial), token_type: 'DPoP', expires_in: 86_400, refresh_token: `rt-${serial}` })
  })
  const auth = createAuthClient({ refreshUrl: `${origin}/token`, allowedOrigins: [origin], namespace: 'bench-refresh', dpop: true, refreshToken: 'storage', storage: memoryStorage() })
  try {
    const key = await auth.dpop.createKey()
    jkt = key.jkt
    auth.setTokens({ accessToken: accessToken(jkt), refreshToken: 'rt-0', dpopJkt: jkt })
    const perRefresh = []
    for (let i = 0; i < REFRESHES; i++) {
      const before = tokenRequests.length
      const state = await auth.refresh()
      if (state.status !== 'authenticated') throw new Error(`refresh ${i + 1}: ${state.status}`)
      perRefresh.push(tokenRequests.length - before)
    }
    const later = perRefresh.slice(1)
    console.log(`requests per refresh, server requiring a nonce it rotates in every answer (${REFRESHES} refreshes):`)
    console.log(`  first refresh                ${perRefresh[0]} (one use_dpop_nonce round trip: the nonce was not known yet)`)
    console.log(`  refreshes 2–${REFRESHES}               ${(later.reduce((a, b) => a + b, 0) / later.length).toFixed(2)} per refresh (max ${Math.max(...later)})`)
  } finally {
    auth.destroy()
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
  }
}

await proofCost()
await requestsPerRefresh()

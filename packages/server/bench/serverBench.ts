// pnpm bench:server — what the server half costs and how fast revocation travels, on this machine:
//   1. verify cost with a 100,000-entry denylist ÷ without (the cache is a Map: goal ≤ 1.05);
//   2. verifications per second on one core (EdDSA signature + claims + cache);
//   3. the same against a verifier that asks Redis per request (denylist + token version: two round trips);
//   4. refreshes per second across three instances (separate processes, one Redis), with p50/p99 latency;
//   5. revocation propagation: logout at one instance → the access token refused at another, p50/p99.
import { spawn, type ChildProcess } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { fileURLToPath } from 'node:url'
import { startTestRedis } from '@tokenlife/test-utils/redis'
import { checkSignature, createKeyRing, createUser, generateSigningKey, Issuer, MemoryStore, Verifier } from '../src/index'
import type { AuthStore } from '../src/index'
import { RedisStore } from '../src/redis'

const scrypt = { N: 1024, r: 8, p: 1 }
const quantile = (values: number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN
}
const fmt = (value: number, digits = 1) => value.toFixed(digits)

async function issuedTokens(store: AuthStore, count: number) {
  const keys = await createKeyRing([await generateSigningKey('EdDSA')])
  const issuer = new Issuer({ store, keys, issuer: 'bench', audience: 'bench-api', scrypt })
  const user = await createUser(store, { email: `${randomUUID()}@bench.test`, password: 'password-1', name: 'B' }, scrypt)
  const tokens: string[] = []
  for (let i = 0; i < count; i++) tokens.push((await issuer.startSession(user)).accessToken)
  return { keys, issuer, tokens }
}

/** Verifications per second of `verify` over `tokens`, `rounds` times, with `concurrency` in flight. */
async function rate(tokens: string[], verify: (token: string) => Promise<{ ok: boolean }>, rounds: number, concurrency = 1) {
  let next = 0
  const total = tokens.length * rounds
  const started = performance.now()
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        const result = await verify(tokens[next++ % tokens.length]!)
        if (!result.ok) throw new Error('a valid token was refused')
      }
    }),
  )
  return total / ((performance.now() - started) / 1000)
}

async function verifyCost() {
  const store = new MemoryStore()
  const { keys, tokens } = await issuedTokens(store, 200)
  const verifier = new Verifier({ store, keys, issuer: 'bench', audience: 'bench-api' })
  await verifier.ready()
  await rate(tokens, (token) => verifier.verify(token), 20) // warm-up
  const runs: Array<{ empty: number; full: number }> = []
  const emptyRate = await rate(tokens, (token) => verifier.verify(token), 50)
  const far = Date.now() + 3_600_000
  for (let i = 0; i < 100_000; i++) await store.denyAccessToken(`denied-${i}`, far)
  const fullRate = await rate(tokens, (token) => verifier.verify(token), 50)
  runs.push({ empty: emptyRate, full: fullRate })
  // Alternate once more, the other way round, to even out warm-up.
  const store2 = new MemoryStore()
  const second = await issuedTokens(store2, 200)
  const verifier2 = new Verifier({ store: store2, keys: second.keys, issuer: 'bench', audience: 'bench-api' })
  await verifier2.ready()
  for (let i = 0; i < 100_000; i++) await store2.denyAccessToken(`denied-${i}`, far)
  await rate(second.tokens, (token) => verifier2.verify(token), 20)
  const full2 = await rate(second.tokens, (token) => verifier2.verify(token), 50)
  const signatureOnly = await rate(second.tokens, (token) => checkSignature(token, { key: second.keys.verificationKey, algorithms: ['EdDSA'], issuer: 'bench', audience: 'bench-api', now: Date.now }), 50)
  verifier.close()
  verifier2.close()
  const cacheSize = verifier2.cacheSize.denied
  return { emptyRate, fullRate: (fullRate + full2) / 2, signatureOnly, cacheSize }
}

async function perRequestComparison(redisUrl: string) {
  const store = new RedisStore({ redis: redisUrl, prefix: `cmp-${randomUUID()}:` })
  const { keys, tokens } = await issuedTokens(store, 200)
  const verifier = new Verifier({ store, keys, issuer: 'bench', audience: 'bench-api' })
  await verifier.ready()
  const perRequest = async (token: string) => {
    const checked = await checkSignature(token, { key: keys.verificationKey, algorithms: ['EdDSA'], issuer: 'bench', audience: 'bench-api', now: Date.now })
    if (!checked.ok) return checked
    const [denied, user] = await Promise.all([store.isAccessTokenDenied(checked.claims.jti, Date.now()), store.findUserById(checked.claims.sub)])
    return { ok: !denied && user !== undefined && checked.claims.ver >= user.tokenVersion }
  }
  const latency = async (verify: (token: string) => Promise<unknown>) => {
    const samples: number[] = []
    for (let i = 0; i < 2_000; i++) {
      const started = performance.now()
      await verify(tokens[i % tokens.length]!)
      samples.push(performance.now() - started)
    }
    return { p50: quantile(samples, 0.5), p99: quantile(samples, 0.99) }
  }
  await rate(tokens, perRequest, 5, 16)
  const cachedRate = await rate(tokens, (token) => verifier.verify(token), 30, 16)
  const perRequestRate = await rate(tokens, perRequest, 30, 16)
  const cachedLatency = await latency((token) => verifier.verify(token))
  const perRequestLatency = await latency(perRequest)
  verifier.close()
  await store.close()
  return { cachedRate, perRequestRate, cachedLatency, perRequestLatency }
}

function startInstance(redisUrl: string, keys: string): Promise<{ port: number; child: ChildProcess }> {
  const script = fileURLToPath(new URL('./instance.ts', import.meta.url))
  const child = spawn(process.execPath, ['--import', 'tsx', script, redisUrl, keys], { stdio: ['ignore', 'pipe', 'inherit'] })
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      const port = /PORT (\d+)/.exec(chunk.toString())?.[1]
      if (port) resolve({ port: Number(port), child })
    })
    child.once('exit', (code) => reject(new Error(`instance exited ${code}`)))
  })
}

const cookieOf = (response: Response) => /tokenlife_rt=([^;]*)/.exec(response.headers.get('set-cookie') ?? '')?.[1] ?? ''

async function fleetFigures(redisUrl: string) {
  const keys = JSON.stringify([await generateSigningKey('EdDSA')])
  const seed = new RedisStore({ redis: redisUrl, prefix: 'bench:' })
  await createUser(seed, { email: 'bench@bench.test', password: 'password-1', name: 'Bench' }, scrypt).catch(() => undefined)
  await seed.close()
  const instances = await Promise.all([0, 1, 2].map(() => startInstance(redisUrl, keys)))
  const urls = instances.map((instance) => `http://127.0.0.1:${instance.port}`)
  const login = async (url: string) => {
    const response = await fetch(`${url}/auth/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ email: 'bench@bench.test', password: 'password-1' }) })
    return { access: ((await response.json()) as { access_token: string }).access_token, refresh: cookieOf(response) }
  }
  try {
    // Refreshes per second: 48 sessions, each refreshing in a loop, round robin over the instances, for 8 s.
    const sessions = await Promise.all(Array.from({ length: 48 }, (_, i) => login(urls[i % 3]!)))
    const latencies: number[] = []
    let next = 0
    let failures = 0
    const until = performance.now() + 8_000
    const started = performance.now()
    await Promise.all(
      sessions.map(async (session) => {
        while (performance.now() < until) {
          const url = urls[next++ % 3]!
          const sent = performance.now()
          const response = await fetch(`${url}/auth/refresh`, {
            method: 'POST',
            headers: { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: `tokenlife_rt=${session.refresh}` },
            body: 'grant_type=refresh_token',
          })
          await response.arrayBuffer()
          latencies.push(performance.now() - sent)
          if (response.status === 200) session.refresh = cookieOf(response)
          else failures++
        }
      }),
    )
    const refreshRate = latencies.length / ((performance.now() - started) / 1000)

    // Propagation: logout at instance i, then ask instance i+1 until it refuses the access token.
    const propagation: number[] = []
    for (let i = 0; i < 150; i++) {
      const at = urls[i % 3]!
      const elsewhere = urls[(i + 1) % 3]!
      const session = await login(at)
      const sent = performance.now()
      await fetch(`${at}/auth/logout`, { method: 'POST', headers: { Authorization: `Bearer ${session.access}` } }).then((r) => r.arrayBuffer())
      for (;;) {
        const response = await fetch(`${elsewhere}/api/me`, { headers: { Authorization: `Bearer ${session.access}` } })
        await response.arrayBuffer()
        if (response.status === 401) break
        if (performance.now() - sent > 10_000) throw new Error('a revocation did not arrive within 10 s')
      }
      propagation.push(performance.now() - sent)
    }
    return { refreshRate, refreshes: latencies.length, failures, p50: quantile(latencies, 0.5), p99: quantile(latencies, 0.99), propagation }
  } finally {
    for (const instance of instances) instance.child.kill('SIGTERM')
  }
}

const redis = await startTestRedis()
try {
  console.log(`@tokenlife/server benchmark — ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, redis-server on loopback`)
  const cost = await verifyCost()
  console.log('\n1. Verify cost with a 100,000-entry denylist ÷ without (in-process cache)')
  console.log(`   without: ${fmt(cost.emptyRate, 0)} verifications/s; with ${cost.cacheSize} entries: ${fmt(cost.fullRate, 0)}/s; ratio (cost with ÷ without) ${fmt(cost.emptyRate / cost.fullRate, 3)}`)
  console.log(`2. Verifications per second on one core: ${fmt(cost.fullRate, 0)} (signature and claims alone: ${fmt(cost.signatureOnly, 0)})`)
  const comparison = await perRequestComparison(redis.url)
  console.log('3. Against a verifier that queries Redis per request (16 in flight)')
  console.log(`   cached: ${fmt(comparison.cachedRate, 0)}/s, p50 ${fmt(comparison.cachedLatency.p50, 3)} ms, p99 ${fmt(comparison.cachedLatency.p99, 3)} ms (one at a time)`)
  console.log(`   per-request Redis: ${fmt(comparison.perRequestRate, 0)}/s, p50 ${fmt(comparison.perRequestLatency.p50, 3)} ms, p99 ${fmt(comparison.perRequestLatency.p99, 3)} ms; cached is ${fmt(comparison.cachedRate / comparison.perRequestRate, 2)}× the throughput`)
  const fleet = await fleetFigures(redis.url)
  console.log('4. Refreshes across three instances (3 processes, one Redis, 48 sessions, round robin, 8 s)')
  console.log(`   ${fmt(fleet.refreshRate, 0)} refreshes/s (${fleet.refreshes} refreshes, ${fleet.failures} refused); latency p50 ${fmt(fleet.p50, 2)} ms, p99 ${fmt(fleet.p99, 2)} ms`)
  console.log('5. Revocation propagation (logout at one instance → refused at another, 150 samples, HTTP polling)')
  console.log(`   p50 ${fmt(quantile(fleet.propagation, 0.5), 2)} ms, p99 ${fmt(quantile(fleet.propagation, 0.99), 2)} ms, max ${fmt(Math.max(...fleet.propagation), 2)} ms`)
} finally {
  await redis.stop()
}

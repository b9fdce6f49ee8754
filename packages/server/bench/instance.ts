// One instance for the benchmark, in its own process: @tokenlife/server's handler and verifier on node:http, with
// the Redis store. Prints its port on stdout. `GET /api/me` is the verified API.
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Readable } from 'node:stream'
import { bearerToken, createAuthHandler, createKeyRing, Issuer, Verifier } from '../src/index'
import type { SigningKeyJwk } from '../src/index'
import { RedisStore } from '../src/redis'

const [redisUrl, keysJson] = [process.argv[2]!, process.argv[3]!]
const store = new RedisStore({ redis: redisUrl, prefix: 'bench:' })
const keys = await createKeyRing(JSON.parse(keysJson) as SigningKeyJwk[])
const issuer = new Issuer({ store, keys, issuer: 'bench', audience: 'bench-api', accessTokenTtlSeconds: 300, retryWindowSeconds: 30, scrypt: { N: 1024, r: 8, p: 1 } })
const verifier = new Verifier({ store, keys, issuer: 'bench', audience: 'bench-api' })
await verifier.ready()
const handle = createAuthHandler({ issuer, verifier, loginRateLimit: { perEmail: 1e6, perIp: 1e6 } })

const server = createServer(async (req, res) => {
  const url = `http://127.0.0.1${req.url}`
  const body = req.method === 'GET' || req.method === 'HEAD' ? undefined : (Readable.toWeb(req) as ReadableStream<Uint8Array>)
  const request = new Request(url, { method: req.method, headers: req.headers as Record<string, string>, body, duplex: 'half' } as RequestInit)
  let response = await handle(request)
  if (!response && req.url === '/api/me') {
    const result = await verifier.verify(bearerToken(request))
    response = new Response(JSON.stringify(result.ok ? { sub: result.claims.sub } : { error: result.reason }), { status: result.ok ? 200 : result.status })
  }
  response ??= new Response('{}', { status: 404 })
  const headers: Record<string, string | string[]> = {}
  response.headers.forEach((value, name) => (headers[name] = value))
  const cookies = response.headers.getSetCookie()
  if (cookies.length) headers['set-cookie'] = cookies
  res.writeHead(response.status, headers)
  res.end(Buffer.from(await response.arrayBuffer()))
})
server.listen(0, '127.0.0.1', () => console.log(`PORT ${(server.address() as AddressInfo).port}`))
process.on('SIGTERM', () => {
  verifier.close()
  server.close()
  void store.close().then(() => process.exit(0))
})

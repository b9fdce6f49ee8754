import type { SigningKeyJwk } from '@tokenlife/server'
import { startServer } from './server'

function envNumber(name: string): number | undefined {
  const raw = process.env[name]
  if (raw === undefined || raw === '') return undefined
  const value = Number(raw)
  if (!Number.isFinite(value) || value < 0) {
    console.error(`${name} must be a non-negative number, got "${raw}"`)
    process.exit(1)
  }
  return value
}

const envFlag = (name: string) => process.env[name] === 'true' || process.env[name] === '1'

function signingKeys(): SigningKeyJwk[] | undefined {
  const raw = process.env.TOKENLIFE_SIGNING_KEYS
  if (!raw) return undefined
  try {
    const parsed = JSON.parse(raw) as SigningKeyJwk | SigningKeyJwk[]
    return Array.isArray(parsed) ? parsed : [parsed]
  } catch {
    console.error('TOKENLIFE_SIGNING_KEYS must be a JSON array of private JWKs (pnpm --filter @tokenlife/example-server keygen)')
    process.exit(1)
  }
}

const server = await startServer({
  port: envNumber('PORT') ?? 5170,
  accessTokenTtlSeconds: envNumber('ACCESS_TOKEN_TTL'),
  refreshTokenTtlSeconds: envNumber('REFRESH_TOKEN_TTL'),
  sessionMaxAgeSeconds: envNumber('SESSION_MAX_AGE'),
  retryWindowSeconds: envNumber('REFRESH_RETRY_WINDOW'),
  maxStalenessMs: envNumber('REVOCATION_MAX_STALENESS_MS'),
  signingKeys: signingKeys(),
  redisUrl: process.env.REDIS_URL || undefined,
  secureCookies: envFlag('TOKENLIFE_SECURE_COOKIES'),
  trustProxy: envFlag('TOKENLIFE_TRUST_PROXY'),
  allowedOrigins: (process.env.TOKENLIFE_ALLOWED_ORIGINS ?? '')
    .split(',')
    .map((origin) => origin.trim())
    .filter(Boolean),
}).catch((error: unknown) => {
  console.error('could not start the server:', error instanceof Error ? error.message : error)
  process.exit(1)
})

console.log(`tokenlife example server listening on ${server.url}/`)
for (const mount of server.staticMounts) console.log(`  ${server.url}${mount}`)
if (server.staticMounts.length === 0) console.log('  (no SPA build found in ../react-app/dist or ../vue-app/dist)')
console.log('  demo user: demo@tokenlife.dev / demo-password')
if (process.env.REDIS_URL) console.log(`  store: Redis at ${process.env.REDIS_URL}`)
if (!process.env.TOKENLIFE_JWT_SECRET && !process.env.TOKENLIFE_SIGNING_KEYS) console.log('  JWT secret: random (set TOKENLIFE_JWT_SECRET to keep tokens valid across restarts)')

let stopping = false
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) process.exit(1)
    stopping = true
    void server.close().then(() => process.exit(0))
  })
}

import { existsSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { fileURLToPath } from 'node:url'
import { getRequestListener, RequestError } from '@hono/node-server'
import type { AuthEvent, AuthStore, KeyRing, SigningKeyJwk, User } from '@tokenlife/server'
import {
  createAuthHandler,
  createKeyRing,
  createSecretKeyRing,
  createStats,
  createUser,
  DEFAULT_SCRYPT_PARAMS,
  DpopNonces,
  Issuer,
  MemoryStore,
  randomSecret,
  requestOrigin,
  Verifier,
} from '@tokenlife/server'
import { RedisStore } from '@tokenlife/server/redis'
import type { Hono } from 'hono'
import type { AppEnv, AppStats } from './app'
import { createApp } from './app'
import { normalizeMountPath } from './static'

export const DEMO_USER = { email: 'demo@tokenlife.dev', password: 'demo-password', name: 'Demo User' } as const
export const HOST = '127.0.0.1'
export const ISSUER = 'tokenlife-example'
export const AUDIENCE = 'tokenlife-example-api'

export interface StartServerOptions {
  /** `0` picks a free port. Default: 5170. */
  port?: number
  /** Access-token lifetime, seconds. Default: 30. */
  accessTokenTtlSeconds?: number
  /** Refresh-token lifetime, seconds; sliding (each rotation starts it again). Default: 7 days. */
  refreshTokenTtlSeconds?: number
  /** Absolute cap on a session from its login, seconds, however often it rotates. Default: 30 days. */
  sessionMaxAgeSeconds?: number
  /** The idempotent retry window, seconds (see `@tokenlife/server`'s `retryWindowSeconds`). Default: 0, off. */
  retryWindowSeconds?: number
  /** Mount path → built SPA directory. Default: `../react-app/dist` at `/react/`, `../vue-app/dist` at `/vue/`, when they exist. */
  staticDirs?: Record<string, string>
  /** Mark the refresh cookie `Secure` on every response. Default: false (it is still set on https requests). */
  secureCookies?: boolean
  /** Behind a reverse proxy that overwrites `X-Forwarded-Proto`, `-Host` and `-For`: believe them. Default: false. */
  trustProxy?: boolean
  /** Origins besides the server's own whose pages may POST to `/auth/*`. Bare origins. Default: none. */
  allowedOrigins?: string[]
  /** The server clock, epoch ms. Drives token times, expiry checks, rate-limit windows and the `Date` header. */
  now?: () => number
  /**
   * HS256 secret (one process): at least 32 bytes and not visibly guessable (a `TypeError` at start says why
   * otherwise). Default: `TOKENLIFE_JWT_SECRET`, else 32 random bytes per start. Ignored when `signingKeys` is set.
   */
  jwtSecret?: string | Uint8Array
  /** Asymmetric signing keys (private JWKs, EdDSA or ES256; the first signs); the JWKS is served. Default: none (HS256). */
  signingKeys?: SigningKeyJwk[]
  /** Default: a Redis store at `redisUrl`, else a fresh in-memory store. */
  store?: AuthStore
  /** A Redis URL: every instance on it shares sessions and revocations. Default: `REDIS_URL`. */
  redisUrl?: string
  /** Key prefix in Redis. Default: `'tokenlife:'`. */
  redisPrefix?: string
  /** The verifier's staleness bound, ms (see `@tokenlife/server`'s `Verifier`). Default: 5000. */
  maxStalenessMs?: number
  /** Users to create at start (unless their email exists). Default: the demo user. */
  users?: Array<{ email: string; password: string; name: string }>
  /** Login failures allowed per window. Default: 5 per email, 20 per IP, per 60 s. */
  loginRateLimit?: { perEmail?: number; perIp?: number; windowSeconds?: number }
  /** scrypt cost N (a power of two). Default: 2^17 (OWASP; 128 MiB per hash). Tests lower it for speed (e.g. 1024). */
  passwordHashCost?: number
  /** Called for every auth event, after the counters. */
  onEvent?: (event: AuthEvent) => void
  /**
   * DPoP (RFC 9449). Proofs are always honoured: a login with one gets bound tokens. `required`: logins, refreshes
   * and `/api/*` calls without a proof are refused. `nonceSecret` (32+ bytes, the same on every instance): the token
   * endpoints and the API issue nonces (`use_dpop_nonce`). Default: `TOKENLIFE_DPOP=required` and
   * `TOKENLIFE_DPOP_NONCE_SECRET`, else neither.
   */
  dpop?: { required?: boolean; nonceSecret?: string }
}

export interface RunningServer {
  url: string
  port: number
  close(): Promise<void>
  store: AuthStore
  stats: AppStats
  issuer: Issuer
  verifier: Verifier
  app: Hono<AppEnv>
  /** Mount paths of the SPAs being served. */
  staticMounts: string[]
}

/** The SPA builds next to this package, for whichever exist. */
export function defaultStaticDirs(): Record<string, string> {
  const dirs: Record<string, string> = {}
  for (const [mount, relative] of [
    ['/react/', '../../react-app/dist'],
    ['/vue/', '../../vue-app/dist'],
  ] as const) {
    const dir = fileURLToPath(new URL(relative, import.meta.url))
    if (existsSync(dir)) dirs[mount] = dir
  }
  return dirs
}

/**
 * The answer when no Request can even be built (an invalid `Host` header, say): a JSON 400 like the app's own, where
 * the adapter would send an empty one. Anything else reaching here is a bug: 500, logged.
 */
function requestErrorResponse(error: unknown): Response {
  const body = (status: number, error: string, description: string) =>
    new Response(JSON.stringify({ error, error_description: description }), {
      status,
      headers: { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' },
    })
  if (error instanceof RequestError) return body(400, 'invalid_request', `malformed request: ${error.message}`)
  console.error('unhandled error before routing', error)
  return body(500, 'server_error', 'internal server error')
}

async function keyRing(options: StartServerOptions): Promise<KeyRing> {
  if (options.signingKeys?.length) return createKeyRing(options.signingKeys)
  const secret = options.jwtSecret ?? process.env.TOKENLIFE_JWT_SECRET
  if (secret === undefined || secret === '') {
    if (options.redisUrl) {
      throw new TypeError(
        'tokenlife: several instances on one Redis must sign with the same keys: set TOKENLIFE_SIGNING_KEYS (see `pnpm --filter @tokenlife/example-server keygen`) or TOKENLIFE_JWT_SECRET',
      )
    }
    return createSecretKeyRing(randomSecret())
  }
  return createSecretKeyRing(secret)
}

export async function startServer(options: StartServerOptions = {}): Promise<RunningServer> {
  const now = options.now ?? Date.now
  const redisUrl = options.store ? undefined : (options.redisUrl ?? (process.env.REDIS_URL || undefined))
  const keys = await keyRing({ ...options, redisUrl })
  const cost = options.passwordHashCost ?? DEFAULT_SCRYPT_PARAMS.N
  if (!Number.isInteger(Math.log2(cost)) || cost < 2) throw new Error(`passwordHashCost must be a power of two, got ${cost}`)
  const scrypt = { ...DEFAULT_SCRYPT_PARAMS, N: cost }
  const ownStore = !options.store
  const store = options.store ?? (redisUrl ? new RedisStore({ redis: redisUrl, prefix: options.redisPrefix, now }) : new MemoryStore())
  const issuer = new Issuer({
    store,
    keys,
    issuer: ISSUER,
    audience: AUDIENCE,
    accessTokenTtlSeconds: options.accessTokenTtlSeconds ?? 30,
    refreshTokenTtlSeconds: options.refreshTokenTtlSeconds,
    sessionMaxAgeSeconds: options.sessionMaxAgeSeconds,
    retryWindowSeconds: options.retryWindowSeconds,
    scrypt,
    now,
  })
  const dpopSettings = options.dpop ?? { required: process.env.TOKENLIFE_DPOP === 'required', nonceSecret: process.env.TOKENLIFE_DPOP_NONCE_SECRET || undefined }
  const nonces = dpopSettings.nonceSecret ? new DpopNonces({ secret: dpopSettings.nonceSecret, now }) : undefined
  const dpop = { required: dpopSettings.required === true, nonces }
  // Behind a trusted proxy, a proof names the URL the browser called (X-Forwarded-Proto/-Host), not the one we see.
  const publicUrl = (request: Request) => `${requestOrigin(request, { trustProxy: options.trustProxy === true }) ?? new URL(request.url).origin}${new URL(request.url).pathname}`
  const verifier = new Verifier({ store, keys, issuer: ISSUER, audience: AUDIENCE, maxStalenessMs: options.maxStalenessMs, now, dpop: { ...dpop, publicUrl } })
  const counters = createStats(now)
  const stats: AppStats = Object.assign(counters.stats, { apiRequests: 0, apiUnauthorized: 0 })
  const auth = createAuthHandler({
    issuer,
    verifier,
    secureCookies: options.secureCookies,
    trustProxy: options.trustProxy,
    allowedOrigins: options.allowedOrigins,
    loginRateLimit: options.loginRateLimit,
    dpop,
    onEvent: (event) => {
      counters.onEvent(event)
      options.onEvent?.(event)
    },
  })
  try {
    for (const user of options.users ?? [DEMO_USER]) {
      if (!(await store.findUserByEmail(user.email.toLowerCase()))) await createUser(store, user, scrypt).catch(ignoreTaken)
    }
    await verifier.ready()
  } catch (error) {
    verifier.close()
    if (ownStore) await store.close()
    throw error
  }
  const staticDirs = options.staticDirs ?? defaultStaticDirs()
  const app = createApp({ auth, verifier, stats, now, staticDirs })

  const listener = getRequestListener(app.fetch, { hostname: HOST, errorHandler: requestErrorResponse })
  const server = createServer(listener)
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 5170, HOST, () => {
      server.off('error', reject)
      resolve()
    })
  })
  const port = (server.address() as AddressInfo).port

  const pruner = setInterval(() => {
    void store.pruneExpired(now()).catch((error: unknown) => console.error('pruning failed', error))
    auth.prune()
  }, 60_000)
  pruner.unref()

  let closing: Promise<void> | undefined
  const close = () =>
    (closing ??= new Promise<void>((resolve, reject) => {
      clearInterval(pruner)
      verifier.close()
      server.close((error) => {
        const closed = ownStore ? store.close() : Promise.resolve()
        void closed.then(() => (error ? reject(error) : resolve()), reject)
      })
      // fetch keeps connections alive; without this, close() waits for them to time out.
      server.closeAllConnections()
    }))

  return { url: `http://${HOST}:${port}`, port, close, store, stats, issuer, verifier, app, staticMounts: Object.keys(staticDirs).map(normalizeMountPath) }
}

/** Another instance created the same user first (several instances starting on one store). */
function ignoreTaken(error: unknown): User | undefined {
  if ((error as { code?: unknown } | undefined)?.code === 'TL621') return undefined
  throw error
}

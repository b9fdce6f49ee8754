import { existsSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { fileURLToPath } from 'node:url'
import { getRequestListener, RequestError } from '@hono/node-server'
import type { Hono } from 'hono'
import type { AppEnv, ServerStats } from './app'
import { createApp, createStats } from './app'
import { DEFAULT_SCRYPT_PARAMS } from './passwords'
import { FailureRateLimiter } from './rateLimit'
import { normalizeAllowedOrigins } from './requestOrigin'
import { createUser, DEFAULT_SESSION_MAX_AGE_SECONDS, Sessions } from './sessions'
import { normalizeMountPath } from './static'
import type { AuthStore } from './store'
import { InMemoryAuthStore } from './store'
import { AccessTokens, resolveSecret } from './tokens'

export const DEMO_USER = { email: 'demo@tokenlife.dev', password: 'demo-password', name: 'Demo User' } as const
export const HOST = '127.0.0.1'

export interface StartServerOptions {
  /** `0` picks a free port. Default: 5170. */
  port?: number
  /** Access-token lifetime, seconds. Default: 30. */
  accessTokenTtlSeconds?: number
  /** Refresh-token lifetime, seconds; sliding (each rotation starts it again). Default: 7 days. */
  refreshTokenTtlSeconds?: number
  /** Absolute cap on a session from its login, seconds, however often it rotates. Default: 30 days. */
  sessionMaxAgeSeconds?: number
  /** Mount path → built SPA directory. Default: `../react-app/dist` at `/react/`, `../vue-app/dist` at `/vue/`, when they exist. */
  staticDirs?: Record<string, string>
  /** Mark the refresh cookie `Secure` on every response. Default: false (it is still set on https requests). */
  secureCookies?: boolean
  /**
   * Behind a reverse proxy that overwrites `X-Forwarded-Proto`, `-Host` and `-For`: believe them (for `Secure`, the
   * server's own origin in the CSRF check, and the client IP of the login rate limit). Default: false.
   */
  trustProxy?: boolean
  /**
   * Origins besides the server's own whose pages may POST to `/auth/*` (`Origin` check), e.g. a dev server that
   * proxies to this one under another host name. Bare origins such as `'https://app.example.com'`. Default: none.
   */
  allowedOrigins?: string[]
  /** The server clock, epoch ms. Drives token times, expiry checks, rate-limit windows and the `Date` header. */
  now?: () => number
  /**
   * HS256 secret: at least 32 bytes and not visibly guessable (a `TypeError` at start says why otherwise).
   * Default: `TOKENLIFE_JWT_SECRET`, else 32 random bytes per start.
   */
  jwtSecret?: string | Uint8Array
  /** Default: a fresh in-memory store. */
  store?: AuthStore
  /** Users to create at start. Default: the demo user. */
  users?: Array<{ email: string; password: string; name: string }>
  /** Login failures allowed per window. Default: 5 per email, 20 per IP, per 60 s. */
  loginRateLimit?: { perEmail?: number; perIp?: number; windowSeconds?: number }
  /** scrypt cost N (a power of two). Default: 2^17 (OWASP; 128 MiB per hash). Tests lower it for speed (e.g. 1024). */
  passwordHashCost?: number
}

export interface RunningServer {
  url: string
  port: number
  close(): Promise<void>
  store: AuthStore
  stats: ServerStats
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

function positive(name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number, got ${value}`)
  return value
}

export async function startServer(options: StartServerOptions = {}): Promise<RunningServer> {
  const now = options.now ?? Date.now
  const store = options.store ?? new InMemoryAuthStore()
  const stats = createStats()
  const tokens = new AccessTokens({
    secret: resolveSecret(options.jwtSecret ?? process.env.TOKENLIFE_JWT_SECRET),
    ttlSeconds: positive('accessTokenTtlSeconds', options.accessTokenTtlSeconds ?? 30),
    now,
  })
  const cost = options.passwordHashCost ?? DEFAULT_SCRYPT_PARAMS.N
  if (!Number.isInteger(Math.log2(cost)) || cost < 2) throw new Error(`passwordHashCost must be a power of two, got ${cost}`)
  const scrypt = { ...DEFAULT_SCRYPT_PARAMS, N: cost }
  const sessions = new Sessions({
    scrypt,
    store,
    tokens,
    refreshTokenTtlSeconds: positive('refreshTokenTtlSeconds', options.refreshTokenTtlSeconds ?? 7 * 24 * 3600),
    sessionMaxAgeSeconds: positive('sessionMaxAgeSeconds', options.sessionMaxAgeSeconds ?? DEFAULT_SESSION_MAX_AGE_SECONDS),
    now,
  })
  for (const user of options.users ?? [DEMO_USER]) {
    if (!(await store.findUserByEmail(user.email.toLowerCase()))) await createUser(store, user, scrypt)
  }

  const windowMs = (options.loginRateLimit?.windowSeconds ?? 60) * 1000
  const loginLimiters = {
    email: new FailureRateLimiter({ limit: options.loginRateLimit?.perEmail ?? 5, windowMs, now }),
    ip: new FailureRateLimiter({ limit: options.loginRateLimit?.perIp ?? 20, windowMs, now }),
  }
  const passwordLimiter = new FailureRateLimiter({ limit: 5, windowMs: 60_000, now })
  const staticDirs = options.staticDirs ?? defaultStaticDirs()

  const app = createApp({
    sessions,
    tokens,
    stats,
    now,
    secureCookies: options.secureCookies ?? false,
    trustProxy: options.trustProxy ?? false,
    allowedOrigins: normalizeAllowedOrigins(options.allowedOrigins ?? []),
    loginLimiters,
    passwordLimiter,
    staticDirs,
  })

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
    loginLimiters.email.prune()
    loginLimiters.ip.prune()
    passwordLimiter.prune()
  }, 60_000)
  pruner.unref()

  let closing: Promise<void> | undefined
  const close = () =>
    (closing ??= new Promise<void>((resolve, reject) => {
      clearInterval(pruner)
      server.close((error) => (error ? reject(error) : resolve()))
      // fetch keeps connections alive; without this, close() waits for them to time out.
      server.closeAllConnections()
    }))

  return {
    url: `http://${HOST}:${port}`,
    port,
    close,
    store,
    stats,
    app,
    staticMounts: Object.keys(staticDirs).map(normalizeMountPath),
  }
}

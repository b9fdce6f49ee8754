import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Redis } from 'ioredis'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { diagnostics } from '../../src/diagnostics/codes'
import type { AuthStore, IssuerOptions, KeyRing, VerifierOptions } from '../../src/index'
import {
  createAuthHandler,
  createKeyRing,
  createSecretKeyRing,
  createUser,
  DpopNonces,
  FailureRateLimiter,
  generateSigningKey,
  Issuer,
  MemoryStore,
  normalizeAllowedOrigins,
  Verifier,
} from '../../src/index'
import { RedisStore } from '../../src/redis'

// Every error @tokenlife/server throws to its caller and every message it logs has a TL6xx code from one table
// (src/diagnostics/codes.ts), which the troubleshooting page is generated from. This file checks both directions:
// the source raises nothing uncoded, and every code in the table is raised, by running each raise site.

const src = fileURLToPath(new URL('../../src', import.meta.url))

/** Every source file of the package but the diagnostics module itself. */
function sources(dir = src): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) return name === 'diagnostics' ? [] : sources(path)
    return name.endsWith('.ts') ? [path] : []
  })
}

/** The code of each file, without its comments (a comment may mention `throw` or `console`). */
const files = sources().map((path) => ({
  path: relative(src, path),
  lines: readFileSync(path, 'utf8')
    .split('\n')
    .map((line, index) => ({ number: index + 1, text: line.trim() }))
    .filter(({ text }) => !/^(\*|\/\/|\/\*)/.test(text)),
}))
const codes = Object.keys(diagnostics)

/**
 * The ways the source may raise, and why each is not a code of its own. Anything else that throws, rejects, builds an
 * Error or prints fails the test.
 */
const allowed: Array<{ why: string; pattern: RegExp }> = [
  { why: 'a coded error', pattern: /throw codedError\('TL6\d\d'|\binvalid\('TL6\d\d'/ },
  { why: 'the coded log line', pattern: /console\.error\(diagnosticText\('TL631'/ },
  {
    // The HTTP contract: an HttpError becomes the JSON answer `{ error, error_description }` (OAuth error codes) and
    // never reaches the handler's caller.
    why: 'an HTTP answer',
    pattern: /throw (new HttpError\(|badRequest\(|tooLarge\(\)|rateLimited\()|^throw new HttpError\($/,
  },
  // Rethrowing what was caught: an HttpError (readText, the refresh endpoint's bad request) as it came.
  { why: 'a rethrow', pattern: /^(if \(error instanceof HttpError\) )?throw error$/ },
  // Node's own scrypt error, passed through (a bad `scrypt` option); the handler answers 503 and logs TL631.
  { why: 'a platform error passed through', pattern: /^return new Promise\(\(resolve, reject\) => \{$|\(error \? reject\(error\) : resolve\(key\)\)/ },
  // The verifier's heartbeat gives up on a hung feed: its own promise, caught on the next line.
  { why: 'an internal timeout', pattern: /const giveUp = new Promise<never>\(\(_, reject\) => setTimeout\(reject,/ },
]

describe('error codes of @tokenlife/server', () => {
  it('are TL6xx, every field written', () => {
    expect(codes.length).toBeGreaterThanOrEqual(19)
    for (const [code, entry] of Object.entries(diagnostics)) {
      expect(code).toMatch(/^TL6\d\d$/)
      for (const field of ['raises', 'title', 'meaning', 'cause', 'fix'] as const) expect(entry[field].trim().length, `${code}.${field}`).toBeGreaterThan(3)
      expect(['error', 'warning']).toContain(entry.kind)
      expect(entry.production).toBe('kept')
    }
  })

  it('every code in the table is raised by the source, and every code the source raises is in the table', () => {
    const raise = /\b(?:invalid|codedError|diagnosticText)\('(TL\d{3})'/g
    const sites = files.flatMap(({ path, lines }) => lines.flatMap(({ number, text }) => [...text.matchAll(raise)].map((match) => ({ code: match[1]!, at: `${path}:${number}` }))))
    const named = new Set(sites.map(({ code }) => code))
    expect([...named].filter((code) => !codes.includes(code))).toEqual([])
    expect(codes.filter((code) => !named.has(code))).toEqual([])
    // TL601 (issuer, verifier), TL621 and TL622 (memory and Redis stores) are raised in two places each.
    expect(sites).toHaveLength(codes.length + 3)
  })

  it('every throw, rejection, Error and printed line of the source goes through a code (or is an HTTP answer)', () => {
    const raising = /\bthrow\b|\breject\b|new (Type|Range)?Error\(|console\.|process\.emitWarning|\.warn\(/
    // The option `whenStale: 'reject'` and its uses are not rejections.
    const sites = files.flatMap(({ path, lines }) => lines.filter(({ text }) => raising.test(text.replaceAll("'reject'", ''))).map((line) => ({ path, ...line })))
    expect(sites.length).toBeGreaterThan(30)
    const offenders = sites.filter(({ text }) => !allowed.some(({ pattern }) => pattern.test(text))).map(({ path, number, text }) => `${path}:${number}: ${text}`)
    expect(offenders).toEqual([])
  })
})

const SECRET = 'test-secret-test-secret-test-secret-0123456789'
const scrypt = { N: 1024, r: 8, p: 1 }
const verifiers: Verifier[] = []
afterEach(() => {
  for (const verifier of verifiers.splice(0)) verifier.close()
  vi.restoreAllMocks()
})

function parts(overrides: { issuer?: Partial<IssuerOptions>; verifier?: Partial<VerifierOptions>; store?: AuthStore; keys?: KeyRing } = {}) {
  const store = overrides.store ?? new MemoryStore()
  const keys = overrides.keys ?? createSecretKeyRing(SECRET)
  const issuer = new Issuer({ store, keys, issuer: 'i', audience: 'a', scrypt, ...overrides.issuer })
  const verifier = new Verifier({ store, keys, issuer: 'i', audience: 'a', ...overrides.verifier })
  verifiers.push(verifier)
  return { store, keys, issuer, verifier }
}

/** What `run` throws or rejects with. */
async function raised(run: () => unknown): Promise<Error & { code?: string }> {
  try {
    await run()
  } catch (error) {
    return error as Error & { code?: string }
  }
  throw new Error('nothing was thrown')
}

/** Each code, raised by the public API as a user would meet it, with the start of its message. */
const cases: Array<[code: string, text: string, kind: typeof TypeError | typeof Error, run: () => unknown]> = [
  ['TL601', 'the issuer needs `issuer` and `audience`', TypeError, () => parts({ issuer: { issuer: '' } })],
  ['TL601', 'the verifier needs `issuer` and `audience`', TypeError, () => parts({ verifier: { audience: '' } })],
  ['TL602', 'accessTokenTtlSeconds must be a positive number of seconds, got -1', TypeError, () => parts({ issuer: { accessTokenTtlSeconds: -1 } })],
  ['TL602', 'retryWindowSeconds must be a non-negative number of seconds, got NaN', TypeError, () => parts({ issuer: { retryWindowSeconds: Number.NaN } })],
  ['TL603', 'maxStalenessMs must be positive, got 0', TypeError, () => parts({ verifier: { maxStalenessMs: 0 } })],
  ['TL604', 'the rate limit must be a positive integer, got 0', TypeError, () => createAuthHandler({ ...parts(), loginRateLimit: { perEmail: 0 } })],
  ['TL605', 'the rate-limit window must be a positive number, got 0', TypeError, () => new FailureRateLimiter({ limit: 1, windowMs: 0, now: Date.now })],
  ['TL619', 'the DPoP nonce secret (DpopNonces secret / TOKENLIFE_DPOP_NONCE_SECRET) must have at least 32 bytes, got 6', TypeError, () => new DpopNonces({ secret: 'secret' })],
  ['TL620', 'DpopNonces stepSeconds must be a positive number of seconds, got 0', TypeError, () => new DpopNonces({ stepSeconds: 0 })],
  ['TL606', 'allowedOrigins entries must be origins like "https://app.example.com", got "localhost:5173"', TypeError, () => normalizeAllowedOrigins(['localhost:5173'])],
  [
    'TL607',
    'allowedOrigins entries must be bare origins (no path, query or credentials), got "https://app.example.com/app/"; use "https://app.example.com"',
    TypeError,
    () => createAuthHandler({ ...parts(), allowedOrigins: ['https://app.example.com/app/'] }),
  ],
  ['TL611', 'a key ring needs at least one key', TypeError, () => createKeyRing([])],
  ['TL612', 'every signing key needs a kid', TypeError, async () => createKeyRing([{ ...(await generateSigningKey()), kid: '' }])],
  ['TL613', 'signing key k has alg RS256; use EdDSA or ES256', TypeError, async () => createKeyRing([{ ...(await generateSigningKey('EdDSA', 'k')), alg: 'RS256' as never }])],
  ['TL614', 'signing key k has no private part (d)', TypeError, async () => createKeyRing([{ ...(await generateSigningKey('EdDSA', 'k')), d: undefined }])],
  ['TL615', 'two signing keys have the kid k', TypeError, async () => createKeyRing([await generateSigningKey('EdDSA', 'k'), await generateSigningKey('ES256', 'k')])],
  ['TL616', 'signWith names no key of the ring: other', TypeError, async () => createKeyRing([await generateSigningKey('EdDSA', 'k')], { signWith: 'other' })],
  ['TL617', 'the JWT secret (jwtSecret / TOKENLIFE_JWT_SECRET) must be at least 32 bytes, got 5. Use 32 random bytes', TypeError, () => createSecretKeyRing('short')],
  ['TL618', 'the JWT secret (jwtSecret / TOKENLIFE_JWT_SECRET) looks guessable: about 0 bits of entropy in 64 bytes, at least 128 needed', TypeError, () => createSecretKeyRing('x'.repeat(64))],
  [
    'TL621',
    'user taken@example.test already exists',
    Error,
    async () => {
      const store = new MemoryStore()
      await createUser(store, { email: 'taken@example.test', password: 'password-1', name: 'A' }, scrypt)
      await createUser(store, { email: ' Taken@Example.test', password: 'password-2', name: 'B' }, scrypt)
    },
  ],
  ['TL622', 'no user nobody', Error, () => new MemoryStore().bumpTokenVersion('nobody', Date.now() + 60_000)],
  [
    'TL623',
    'the Redis change feed is not connected',
    Error,
    async () => {
      // A connection that never connects: the feed is down from the start (no Redis needed).
      const redis = new Redis({ lazyConnect: true })
      const store = new RedisStore({ redis })
      try {
        await store.heartbeat()
      } finally {
        await store.close()
        redis.disconnect()
      }
    },
  ],
]

describe('each code, raised', () => {
  it.each(cases)('%s: %s', async (code, text, kind, run) => {
    const error = await raised(run)
    expect(error).toBeInstanceOf(kind)
    expect(error.code).toBe(code)
    expect(error.message).toMatch(new RegExp(`^tokenlife: ${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`))
    expect(error.message.endsWith(` (${code}: https://tokenlife.dev/troubleshooting#${code.toLowerCase()})`)).toBe(true)
  })

  it('TL631: a store that fails is logged with the code, and the HTTP answer stays the contract’s 503', async () => {
    const store = new MemoryStore()
    const failure = new Error('connection lost')
    store.findUserByEmail = async () => {
      throw failure
    }
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {})
    const handle = createAuthHandler(parts({ store }))
    const response = (await handle(
      new Request('http://localhost/auth/login', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ email: 'a@b.test', password: 'x' }) }),
    ))!
    expect(response.status).toBe(503)
    expect(response.headers.get('retry-after')).toBe('1')
    expect(await response.json()).toEqual({ error: 'temporarily_unavailable', error_description: 'the server cannot answer now; try again' })
    expect(logged).toHaveBeenCalledTimes(1)
    expect(logged).toHaveBeenCalledWith(
      'tokenlife: unexpected error in POST http://localhost/auth/login; answered 503 temporarily_unavailable (TL631: https://tokenlife.dev/troubleshooting#tl631)',
      failure,
    )
  })

  it('every code in the table is raised by one of the cases above', () => {
    expect(new Set([...cases.map(([code]) => code), 'TL631'])).toEqual(new Set(codes))
  })

  it('an HTTP refusal is not coded: the answer is the OAuth error of the contract', async () => {
    const handle = createAuthHandler(parts())
    const response = (await handle(new Request('http://localhost/auth/refresh', { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'grant_type=password' })))!
    expect(response.status).toBe(400)
    expect(await response.json()).toEqual({ error: 'unsupported_grant_type', error_description: 'grant_type password is not supported' })
  })
})

import { performance } from 'node:perf_hooks'
import { createLocalJWKSet, createRemoteJWKSet } from 'jose'
import type { JWTVerifyGetKey } from 'jose'
import { invalid } from './diagnostics/diagnostic'
import { RevocationCache } from './revocationCache'
import type { AuthStore } from './store/authStore'
import type { AccessTokenClaims } from './tokens/accessTokens'
import { checkSignature } from './tokens/accessTokens'
import { processReplayCache, verifyDpopRequest, type VerifierDpopOptions } from './dpop/verifyDpopRequest'
import type { VerifyResult } from './verifyResult'

export type { VerifyResult } from './verifyResult'
export type { VerifierDpopOptions } from './dpop/verifyDpopRequest'
import type { JsonWebKeySet, KeyRing } from './tokens/keyRing'

/** Options of {@link Verifier}. Durations are milliseconds. How to choose them: docs/server.md, "Choosing the bounds". */
export interface VerifierOptions {
  /**
   * The issuer's store: the verifier subscribes to its change feed, and asks it per request only when its view is
   * stale. An API server that only verifies connects to the same Redis (`new RedisStore({ redis: process.env.REDIS_URL })`).
   */
  store: AuthStore
  /**
   * How to check signatures: the issuer's key ring (same process), a JWKS object (public keys only), or the `URL` of
   * the issuer's JWKS endpoint (fetched by jose, cached, refetched for an unknown `kid`: key rotation needs nothing
   * more). An HS256 ring is the only way to verify HS256 tokens.
   */
  keys: KeyRing | JsonWebKeySet | URL
  /** Accepted algorithms (anything else is `invalid`). Default: the ring's; for a JWKS or its URL, `['EdDSA', 'ES256']`. */
  algorithms?: string[]
  /** The `iss` the tokens must carry: the issuer's `issuer` option. Required (`TL601`). */
  issuer: string
  /** The `aud` the tokens must carry (one of, when it is an array): the issuer's `audience` option. Required (`TL601`). */
  audience: string
  /**
   * The staleness bound, ms: how old the verifier's view of revocations may be. Past it (the feed lost, Redis slow)
   * the verifier fails closed (see `whenStale`). A revoked token is accepted for at most this long after the
   * revocation was published, plus the feed's delivery time. Must be above 0 (`TL603`). Default: 5000.
   */
  maxStalenessMs?: number
  /**
   * How often the feed is proved alive (one heartbeat through the store's feed connection, e.g. a Redis `PING`), ms.
   * Default: a quarter of `maxStalenessMs`, at least 50.
   */
  heartbeatMs?: number
  /**
   * Past the bound: `'check-store'` (default) asks the store for each token (denylist and token version) and answers
   * 503 if it cannot within `storeTimeoutMs`; `'reject'` answers 503 at once. Neither ever accepts unchecked.
   */
  whenStale?: 'check-store' | 'reject'
  /** How long a per-request store check may take before it counts as failed, ms. Default: 1000. */
  storeTimeoutMs?: number
  /** Refuse access tokens older than the user's token version (password change, logout everywhere). Default: true. */
  checkTokenVersion?: boolean
  /** The token clock (expiry), epoch ms. Default: `Date.now`. Staleness is measured on a monotonic clock. */
  now?: () => number
  /** DPoP-bound tokens (RFC 9449): how {@link Verifier.verifyRequest} checks their proofs. See {@link VerifierDpopOptions}. */
  dpop?: VerifierDpopOptions
}

const unavailable = (description: string): VerifyResult => ({ ok: false, reason: 'unavailable', description, status: 503 })
const revoked: VerifyResult = { ok: false, reason: 'revoked', description: 'access token has been revoked', status: 401 }
const bound: VerifyResult = { ok: false, reason: 'invalid', description: 'a DPoP-bound access token needs its proof (verifyRequest)', status: 401 }

/**
 * Verifies access tokens for an API server without a store round trip per request: the signature and claims (jose),
 * then the denylist and the user's token version from an in-process {@link RevocationCache} that the store's change
 * feed keeps current. When the feed (re)connects, it re-reads every revocation in force; a heartbeat through the
 * feed bounds how stale the cache may be, and past that bound the verifier fails closed, never open.
 *
 * Make one per process and keep it (it holds a feed subscription and a timer); `close()` it on shutdown.
 *
 * @example
 * ```ts
 * const verifier = new Verifier({
 *   store: new RedisStore({ redis: process.env.REDIS_URL! }),
 *   keys: new URL('https://auth.example.com/.well-known/jwks.json'),
 *   issuer: 'https://auth.example.com',
 *   audience: 'api',
 * })
 *
 * async function handle(request: Request): Promise<Response> {
 *   const result = await verifier.verify(bearerToken(request))
 *   if (!result.ok) {
 *     const headers = result.status === 503 ? { 'Retry-After': '1' } : { 'WWW-Authenticate': 'Bearer error="invalid_token"' }
 *     return new Response(null, { status: result.status, headers })
 *   }
 *   return Response.json({ user: result.claims.sub })
 * }
 * ```
 */
export class Verifier {
  readonly #store: AuthStore
  readonly #key: Uint8Array | JWTVerifyGetKey
  readonly #algorithms: string[]
  readonly #issuer: string
  readonly #audience: string
  readonly #maxStalenessMs: number
  readonly #whenStale: 'check-store' | 'reject'
  readonly #storeTimeoutMs: number
  readonly #checkVersion: boolean
  readonly #now: () => number
  readonly #dpop: VerifierDpopOptions
  readonly #configured: boolean
  readonly #replay: (id: string, expiresAt: number) => Promise<boolean>
  readonly #cache = new RevocationCache()
  readonly #unsubscribe: () => void
  readonly #timer: ReturnType<typeof setInterval>
  /** Monotonic ms up to which every published change is known to be in the cache; `-Infinity` before the first read. */
  #freshAsOf = -Infinity
  /** Bumped on every (re)connect and loss: work started in an earlier epoch must not count as fresh. */
  #epoch = 0
  #loaded = false
  #beating = false
  #ready: { promise: Promise<void>; resolve: () => void }

  /** Subscribes to the store's feed and starts the heartbeat. `TypeError` `TL601` or `TL603` for bad options. */
  constructor(options: VerifierOptions) {
    if (!options.issuer || !options.audience) invalid('TL601', 'verifier')
    this.#store = options.store
    const { keys } = options
    if (keys instanceof URL) this.#key = createRemoteJWKSet(keys)
    else if ('sign' in keys) this.#key = keys.verificationKey
    else this.#key = createLocalJWKSet(keys)
    this.#algorithms = options.algorithms ?? ('sign' in keys ? keys.algorithms : ['EdDSA', 'ES256'])
    this.#issuer = options.issuer
    this.#audience = options.audience
    this.#maxStalenessMs = options.maxStalenessMs ?? 5000
    if (!(this.#maxStalenessMs > 0)) invalid('TL603', 'maxStalenessMs', this.#maxStalenessMs)
    this.#whenStale = options.whenStale ?? 'check-store'
    this.#storeTimeoutMs = options.storeTimeoutMs ?? 1000
    this.#checkVersion = options.checkTokenVersion ?? true
    this.#now = options.now ?? Date.now
    this.#dpop = options.dpop ?? {}
    this.#configured = options.dpop !== undefined
    this.#replay = this.#dpop.replay === 'process' ? processReplayCache() : (id, expiresAt) => this.#store.useDpopProof(id, expiresAt)
    let resolve = () => {}
    this.#ready = { promise: new Promise<void>((done) => (resolve = done)), resolve }
    this.#unsubscribe = this.#store.subscribe({
      change: (change) => this.#cache.apply(change),
      connected: () => this.#reload(++this.#epoch),
      disconnected: () => {
        this.#epoch++
        this.#loaded = false
      },
    })
    const heartbeatMs = options.heartbeatMs ?? Math.max(50, this.#maxStalenessMs / 4)
    this.#timer = setInterval(() => this.#heartbeat(), heartbeatMs)
    this.#timer.unref?.()
  }

  /** Resolves once the first snapshot of revocations is loaded (until then every token is checked as if stale). */
  ready(): Promise<void> {
    return this.#ready.promise
  }

  /** How old the view of revocations is, ms (`Infinity` before the first read or while it is being re-read). */
  get stalenessMs(): number {
    return this.#loaded ? performance.now() - this.#freshAsOf : Infinity
  }

  /** Entries in the in-process cache: denied token ids and version bumps still in force (for metrics). */
  get cacheSize(): {
    /** Denied access-token ids. */
    denied: number
    /** Users whose token version moved recently. */
    versions: number
  } {
    return this.#cache.size
  }

  /**
   * Verifies a bearer token (`bearerToken(request)`; `undefined` is `invalid`): signature and claims, then revocation
   * (see the class comment). Never throws; a store that fails while the view is stale gives `unavailable` (503). A
   * DPoP-bound token (`cnf.jkt`) is refused here: without its request there is no proof to check (use
   * {@link Verifier.verifyRequest}).
   */
  async verify(token: string | undefined): Promise<VerifyResult> {
    const result = await this.#verifyToken(token)
    return result.ok && result.claims.cnf !== undefined ? bound : result
  }

  /**
   * Verifies the access token of a request: `Authorization: Bearer <token>`, or `Authorization: DPoP <token>` with
   * its `DPoP` proof (RFC 9449 §7): the proof checked (signature, `htm`, `htu`, `iat`, `ath`, a `jti` used once, a
   * current nonce when nonces are on), by the key the token is bound to (`cnf.jkt`). A bound token sent as a bearer
   * token, or without its key's proof, is refused; so is a bearer token when `dpop.required`. A refusal's `headers`
   * hold the challenge for the response.
   */
  async verifyRequest(request: Request): Promise<VerifyResult> {
    return verifyDpopRequest(request, { ...this.#dpop, now: this.#now, configured: this.#configured }, (token) => this.#verifyToken(token), this.#replay)
  }

  async #verifyToken(token: string | undefined): Promise<VerifyResult> {
    if (!token) return { ok: false, reason: 'invalid', description: 'missing bearer token', status: 401 }
    const checked = await checkSignature(token, { key: this.#key, algorithms: this.#algorithms, issuer: this.#issuer, audience: this.#audience, now: this.#now })
    if (!checked.ok) return { ...checked, status: 401 }
    const { claims } = checked
    if (this.stalenessMs <= this.#maxStalenessMs) {
      const now = this.#now()
      if (this.#cache.isDenied(claims.jti, now)) return revoked
      if (this.#checkVersion && this.#cache.isOldVersion(claims.sub, claims.ver, now)) return revoked
      return checked
    }
    if (this.#whenStale === 'reject') return unavailable('revocation state is stale; try again shortly')
    return this.#checkAtStore(claims)
  }

  /** Stops listening to the feed and the heartbeat. Does not close the store, which may be shared. */
  close(): void {
    clearInterval(this.#timer)
    this.#unsubscribe()
    // Work started before (a failing snapshot read that retries, a heartbeat in flight) stops at its epoch check.
    this.#epoch++
  }

  /** Past the bound: one store round trip per token, bounded by `storeTimeoutMs`; no answer means 503. */
  async #checkAtStore(claims: AccessTokenClaims): Promise<VerifyResult> {
    let timer: ReturnType<typeof setTimeout> | undefined
    const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), this.#storeTimeoutMs)))
    const check = (async () => {
      const now = this.#now()
      const [denied, user] = await Promise.all([
        this.#store.isAccessTokenDenied(claims.jti, now),
        this.#checkVersion ? this.#store.findUserById(claims.sub) : undefined,
      ])
      return denied || (user !== undefined && claims.ver < user.tokenVersion) ? revoked : ({ ok: true, claims } as const)
    })()
    try {
      const result = await Promise.race([check, timeout])
      return result === 'timeout' ? unavailable('the revocation store did not answer in time') : result
    } catch {
      return unavailable('the revocation store cannot be reached')
    } finally {
      clearTimeout(timer)
      check.catch(() => {})
    }
  }

  /** (Re)reads every revocation in force; until it is read, the view counts as stale. Retries while connected. */
  #reload(epoch: number): void {
    this.#loaded = false
    const startedAt = performance.now()
    this.#store.revocations(this.#now()).then(
      (snapshot) => {
        if (epoch !== this.#epoch) return
        this.#cache.load(snapshot)
        this.#cache.prune(this.#now())
        this.#freshAsOf = startedAt
        this.#loaded = true
        this.#ready.resolve()
      },
      () => {
        const retry = setTimeout(() => {
          if (epoch === this.#epoch) this.#reload(epoch)
        }, 200)
        retry.unref?.()
      },
    )
  }

  /** Proves the feed alive: every change published before the heartbeat was sent is in the cache when it returns. */
  #heartbeat(): void {
    this.#cache.prune(this.#now())
    if (this.#beating || !this.#loaded) return
    this.#beating = true
    const epoch = this.#epoch
    const startedAt = performance.now()
    // A heartbeat that never returns (a hung connection) must not stop the next ones.
    const giveUp = new Promise<never>((_, reject) => setTimeout(reject, this.#maxStalenessMs).unref?.())
    Promise.race([this.#store.heartbeat(), giveUp]).then(
      () => {
        this.#beating = false
        if (epoch === this.#epoch && this.#loaded) this.#freshAsOf = Math.max(this.#freshAsOf, startedAt)
      },
      () => {
        this.#beating = false
      },
    )
  }
}

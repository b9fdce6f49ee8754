import { Redis } from 'ioredis'
import type { RedisOptions } from 'ioredis'
import { codedError } from '../diagnostics/diagnostic'
import type {
  AuthStore,
  FeedListener,
  RefreshTokenRecord,
  RevocationChange,
  RevocationSnapshot,
  RotateOutcome,
  TokenFamily,
  User,
} from '../store/authStore'
import { defineScripts, type Scripted } from './scripts'

/** Options of {@link RedisStore}. */
export interface RedisStoreOptions {
  /**
   * A Redis URL (`redis://[:password@]host:port/db`, `rediss://` for TLS), or an `ioredis` connection to use (for
   * Sentinel, TLS options, …; the store then does not quit it on `close()`, and its `commandTimeout` is yours to set).
   * The store opens one more connection for the change feed (`duplicate()`).
   */
  redis: string | Redis
  /**
   * Prefix of every key and of the change channel (`<prefix>changes`). Give every deployment sharing a Redis its own;
   * every instance (issuers and verifiers) of one deployment must use the same. Default: `'tokenlife:'`.
   */
  prefix?: string
  /**
   * How long one command may take before it fails, ms (the request then gets a 503 rather than hang). Default: 2000.
   * Only for connections the store opens itself.
   */
  commandTimeoutMs?: number
  /** The clock that decides which denials and version bumps have expired, epoch ms. Default: `Date.now`. */
  now?: () => number
}

const orNull = (value: string | undefined) => (value === undefined || value === '' ? null : value)
const asNumber = (value: string | undefined) => Number(value ?? 0)

/**
 * The store for several instances, on Redis (one node, or a primary with replicas behind Sentinel; not Redis Cluster:
 * a user's families are revoked in one script). Rotation, denial and version bumps are Lua scripts, atomic in
 * Redis; denials expire with the token they deny; denials and version bumps are published on one pub/sub channel,
 * which each store's dedicated subscriber connection delivers to its verifiers. Redis must persist (AOF, or RDB on
 * shutdown) or every session dies with a restart. Needs `ioredis` (a peer dependency) and Redis 7 or later.
 *
 * Make one per process and share it between the `Issuer` and the `Verifier`; `close()` it on shutdown. A command
 * that fails or times out rejects (ioredis reconnects by itself): the handler answers 503, and the client keeps its
 * session and retries.
 *
 * @example
 * ```ts
 * import { RedisStore } from '@tokenlife/server/redis'
 *
 * const store = new RedisStore({ redis: process.env.REDIS_URL!, prefix: 'myapp:auth:' })
 * const issuer = new Issuer({ store, keys, issuer: 'https://auth.example.com', audience: 'api' })
 * const verifier = new Verifier({ store, keys, issuer: 'https://auth.example.com', audience: 'api' })
 * process.on('SIGTERM', () => void Promise.resolve(verifier.close()).then(() => store.close()))
 * ```
 */
export class RedisStore implements AuthStore {
  readonly #redis: Scripted
  readonly #subscriber: Redis
  readonly #ownsRedis: boolean
  readonly #prefix: string
  readonly #channel: string
  readonly #listeners = new Set<FeedListener>()
  readonly #now: () => number
  #connected = false

  /** Connects (the commands' connection and the feed's) and defines the Lua scripts; does not wait for Redis. */
  constructor(options: RedisStoreOptions) {
    this.#prefix = options.prefix ?? 'tokenlife:'
    this.#channel = `${this.#prefix}changes`
    this.#now = options.now ?? Date.now
    const connectionOptions: RedisOptions = { commandTimeout: options.commandTimeoutMs ?? 2000, maxRetriesPerRequest: 1 }
    this.#ownsRedis = typeof options.redis === 'string'
    const redis = typeof options.redis === 'string' ? new Redis(options.redis, connectionOptions) : options.redis
    redis.on('error', () => {}) // reported through failed commands; ioredis reconnects on its own
    this.#redis = defineScripts(redis)
    // The feed's own connection: a heartbeat through it proves every message published before was delivered.
    this.#subscriber = redis.duplicate({ enableOfflineQueue: false, commandTimeout: options.commandTimeoutMs ?? 2000 })
    this.#subscriber.on('error', () => {})
    this.#subscriber.on('message', (channel: string, message: string) => {
      if (channel !== this.#channel) return
      const change = parseChange(message)
      if (change) for (const listener of this.#listeners) listener.change(change)
    })
    this.#subscriber.on('ready', () => {
      this.#subscriber.subscribe(this.#channel).then(
        () => {
          this.#connected = true
          for (const listener of this.#listeners) listener.connected()
        },
        () => this.#subscriber.disconnect(true),
      )
    })
    this.#subscriber.on('close', () => {
      if (!this.#connected) return
      this.#connected = false
      for (const listener of this.#listeners) listener.disconnected()
    })
  }

  #key(kind: string, id: string): string {
    return `${this.#prefix}${kind}:${id}`
  }

  async findUserByEmail(email: string): Promise<User | undefined> {
    const id = await this.#redis.get(this.#key('email', email))
    return id === null ? undefined : this.findUserById(id)
  }

  async findUserById(id: string): Promise<User | undefined> {
    const user = await this.#redis.hgetall(this.#key('user', id))
    if (!user.id) return undefined
    return { id: user.id, email: user.email ?? '', name: user.name ?? '', passwordHash: user.passwordHash ?? '', tokenVersion: asNumber(user.tokenVersion) }
  }

  async createUser(user: User): Promise<void> {
    const created = await this.#redis.tlCreateUser(this.#key('email', user.email), this.#key('user', user.id), user.id, JSON.stringify(user))
    if (created !== 1) throw codedError('TL621', user.email)
  }

  async updatePasswordHash(userId: string, passwordHash: string): Promise<void> {
    const key = this.#key('user', userId)
    if (await this.#redis.exists(key)) await this.#redis.hset(key, 'passwordHash', passwordHash)
  }

  async bumpTokenVersion(userId: string, until: number): Promise<number> {
    const version = await this.#redis.tlBump(this.#key('user', userId), this.#key('bumps', 'index'), this.#key('bumps', 'versions'), userId, String(until), String(this.#now()), this.#channel)
    if (version < 0) throw codedError('TL622', userId)
    return version
  }

  async createFamily(family: TokenFamily): Promise<void> {
    const key = this.#key('family', family.id)
    await this.#redis
      .multi()
      .hset(key, { ...family, revokedAt: family.revokedAt ?? '', revokedReason: family.revokedReason ?? '', jkt: family.jkt ?? '' })
      .pexpire(key, 3_600_000) // until its first token is saved, which sets the family's expiry to the token's
      .sadd(this.#key('families', family.userId), family.id)
      .exec()
  }

  async getFamily(id: string): Promise<TokenFamily | undefined> {
    const family = await this.#redis.hgetall(this.#key('family', id))
    if (!family.id) return undefined
    return {
      id: family.id,
      userId: family.userId ?? '',
      tokenVersion: asNumber(family.tokenVersion),
      createdAt: asNumber(family.createdAt),
      revokedAt: family.revokedAt ? Number(family.revokedAt) : null,
      revokedReason: orNull(family.revokedReason),
      jkt: orNull(family.jkt),
    }
  }

  async bindFamilyKey(id: string, jkt: string): Promise<string | undefined> {
    return (await this.#redis.tlBindFamilyKey(this.#key('family', id), jkt)) ?? undefined
  }

  async useDpopProof(id: string, expiresAt: number): Promise<boolean> {
    return (await this.#redis.set(this.#key('dpop', id), '1', 'PXAT', expiresAt, 'NX')) === 'OK'
  }

  async revokeFamily(id: string, at: number, reason: string): Promise<void> {
    await this.#redis.tlRevokeFamily(this.#key('family', id), String(at), reason)
  }

  revokeUserFamilies(userId: string, at: number, reason: string): Promise<number> {
    return this.#redis.tlRevokeUserFamilies(this.#key('families', userId), String(at), reason, `${this.#prefix}family:`)
  }

  async saveRefreshToken(record: RefreshTokenRecord): Promise<void> {
    const key = this.#key('rt', record.tokenHash)
    const family = this.#key('family', record.familyId)
    await this.#redis.multi().hset(key, storedRecord(record)).pexpireat(key, record.expiresAt).pexpireat(family, record.expiresAt).exec()
  }

  async getRefreshToken(tokenHash: string): Promise<RefreshTokenRecord | undefined> {
    const record = await this.#redis.hgetall(this.#key('rt', tokenHash))
    if (!record.tokenHash) return undefined
    return {
      tokenHash: record.tokenHash,
      familyId: record.familyId ?? '',
      userId: record.userId ?? '',
      issuedAt: asNumber(record.issuedAt),
      expiresAt: asNumber(record.expiresAt),
      usedAt: record.usedAt ? Number(record.usedAt) : null,
      seed: record.seed ?? '',
      successorHash: orNull(record.successorHash),
    }
  }

  rotateRefreshToken(tokenHash: string, at: number, successor: RefreshTokenRecord): Promise<RotateOutcome> {
    return this.#redis.tlRotate(
      this.#key('rt', tokenHash),
      this.#key('rt', successor.tokenHash),
      this.#key('family', successor.familyId),
      String(at),
      successor.tokenHash,
      JSON.stringify(storedRecord(successor)),
    )
  }

  async denyAccessToken(jti: string, expiresAt: number): Promise<void> {
    await this.#redis.tlDeny(this.#key('denied', jti), this.#key('denied', 'index'), jti, String(Math.ceil(expiresAt)), String(this.#now()), this.#channel)
  }

  async isAccessTokenDenied(jti: string, now: number): Promise<boolean> {
    const expiresAt = await this.#redis.zscore(this.#key('denied', 'index'), jti)
    return expiresAt !== null && Number(expiresAt) > now
  }

  async revocations(now: number): Promise<RevocationSnapshot> {
    const [denied, bumps, versions] = await Promise.all([
      this.#redis.zrangebyscore(this.#key('denied', 'index'), `(${now}`, '+inf', 'WITHSCORES'),
      this.#redis.zrangebyscore(this.#key('bumps', 'index'), `(${now}`, '+inf', 'WITHSCORES'),
      this.#redis.hgetall(this.#key('bumps', 'versions')),
    ])
    const snapshot: RevocationSnapshot = { denied: [], versions: [] }
    for (let i = 0; i + 1 < denied.length; i += 2) snapshot.denied.push({ jti: denied[i]!, expiresAt: Number(denied[i + 1]) })
    for (let i = 0; i + 1 < bumps.length; i += 2) {
      const userId = bumps[i]!
      if (versions[userId] !== undefined) snapshot.versions.push({ userId, version: Number(versions[userId]), until: Number(bumps[i + 1]) })
    }
    return snapshot
  }

  async pruneExpired(now: number): Promise<void> {
    // Tokens, denials and families expire on their own (PEXPIREAT); the two indexes are trimmed here.
    const expired = await this.#redis.zrangebyscore(this.#key('bumps', 'index'), '-inf', now)
    const pipeline = this.#redis.multi().zremrangebyscore(this.#key('denied', 'index'), '-inf', now).zremrangebyscore(this.#key('bumps', 'index'), '-inf', now)
    if (expired.length > 0) pipeline.hdel(this.#key('bumps', 'versions'), ...expired)
    await pipeline.exec()
  }

  subscribe(listener: FeedListener): () => void {
    this.#listeners.add(listener)
    if (this.#connected) queueMicrotask(() => this.#listeners.has(listener) && listener.connected())
    return () => void this.#listeners.delete(listener)
  }

  async heartbeat(): Promise<void> {
    if (!this.#connected) throw codedError('TL623')
    await this.#subscriber.ping()
  }

  async close(): Promise<void> {
    this.#listeners.clear()
    this.#subscriber.disconnect()
    if (this.#ownsRedis) await this.#redis.quit().catch(() => this.#redis.disconnect())
  }
}

/** A record as the hash stores it: every field a string, `''` for null. */
function storedRecord(record: RefreshTokenRecord): Record<string, string> {
  return {
    tokenHash: record.tokenHash,
    familyId: record.familyId,
    userId: record.userId,
    issuedAt: String(record.issuedAt),
    expiresAt: String(record.expiresAt),
    usedAt: record.usedAt === null ? '' : String(record.usedAt),
    seed: record.seed,
    successorHash: record.successorHash ?? '',
  }
}

function parseChange(message: string): RevocationChange | undefined {
  try {
    const change = JSON.parse(message) as Partial<Record<string, unknown>>
    if (change.type === 'denied' && typeof change.jti === 'string' && typeof change.expiresAt === 'number') {
      return { type: 'denied', jti: change.jti, expiresAt: change.expiresAt }
    }
    if (change.type === 'version' && typeof change.userId === 'string' && typeof change.version === 'number' && typeof change.until === 'number') {
      return { type: 'version', userId: change.userId, version: change.version, until: change.until }
    }
  } catch {
    // Not ours: ignore.
  }
  return undefined
}

/**
 * `@tokenlife/server/redis`: the {@link RedisStore}, for several instances on one Redis. Apart from the main entry so
 * that a server on the memory store never loads `ioredis` (an optional peer dependency: install it to use this).
 *
 * @example
 * ```ts
 * import { RedisStore } from '@tokenlife/server/redis'
 * const store = new RedisStore({ redis: process.env.REDIS_URL! })
 * ```
 *
 * @packageDocumentation
 */
export { RedisStore } from './redis/redisStore'
export type { RedisStoreOptions } from './redis/redisStore'

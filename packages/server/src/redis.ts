export { RedisStore } from './redis/redisStore'
export type { RedisStoreOptions } from './redis/redisStore'

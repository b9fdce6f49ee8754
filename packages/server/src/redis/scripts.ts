import type { Redis } from 'ioredis'
import type { RotateOutcome } from '../store/authStore'

/**
 * The Lua scripts of the Redis store: each runs atomically in Redis, so two instances can never both rotate one
 * refresh token, and a revocation is written and published in one step. Keys follow `<prefix><kind>:<id>`.
 */

/** A Lua function: a decoded JSON object as the flat field/value list HSET takes. */
const HASH_FIELDS = `
local function hashFields(object)
  local fields = {}
  for name, value in pairs(object) do
    table.insert(fields, name)
    table.insert(fields, tostring(value))
  end
  return fields
end
`

/**
 * Rotation. KEYS: the old token, the successor, the family. ARGV: at, successor hash, the successor's fields as JSON.
 * Returns 'rotated' | 'used' | 'revoked' | 'unknown'.
 */
export const ROTATE = `${HASH_FIELDS}
local old = redis.call('HMGET', KEYS[1], 'usedAt', 'familyId')
if not old[2] then return 'unknown' end
if old[1] ~= '' then return 'used' end
local revokedAt = redis.call('HGET', KEYS[3], 'revokedAt')
if revokedAt == false or revokedAt ~= '' then return 'revoked' end
redis.call('HSET', KEYS[1], 'usedAt', ARGV[1], 'successorHash', ARGV[2])
local record = cjson.decode(ARGV[3])
redis.call('HSET', KEYS[2], unpack(hashFields(record)))
redis.call('PEXPIREAT', KEYS[2], record.expiresAt)
local familyExpiry = redis.call('PEXPIRETIME', KEYS[3])
if familyExpiry < tonumber(record.expiresAt) then redis.call('PEXPIREAT', KEYS[3], record.expiresAt) end
return 'rotated'
`

/**
 * DPoP binding. KEYS: the family. ARGV: the key's thumbprint. Binds a family that has no key; returns the key it is
 * bound to, or false when there is no family.
 */
export const BIND_FAMILY_KEY = `
if redis.call('EXISTS', KEYS[1]) == 0 then return false end
local bound = redis.call('HGET', KEYS[1], 'jkt')
if bound and bound ~= '' then return bound end
redis.call('HSET', KEYS[1], 'jkt', ARGV[1])
return ARGV[1]
`

/** Denial. KEYS: the denial key, the denial index (a sorted set). ARGV: jti, expiresAt, now, channel. */
export const DENY = `
local expiresAt = tonumber(ARGV[2])
local known = redis.call('ZSCORE', KEYS[2], ARGV[1])
if known and tonumber(known) > expiresAt then expiresAt = tonumber(known) end
if expiresAt <= tonumber(ARGV[3]) then return 0 end
redis.call('SET', KEYS[1], '1', 'PXAT', expiresAt)
redis.call('ZADD', KEYS[2], expiresAt, ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', ARGV[3])
local last = redis.call('ZRANGE', KEYS[2], -1, -1, 'WITHSCORES')
redis.call('PEXPIREAT', KEYS[2], last[2])
redis.call('PUBLISH', ARGV[4], cjson.encode({ type = 'denied', jti = ARGV[1], expiresAt = expiresAt }))
return 1
`

/**
 * Token version bump. KEYS: the user, the bump index (a sorted set by `until`), the bump versions (a hash).
 * ARGV: user id, until, now, channel. Returns the new version, or -1 when there is no such user.
 */
export const BUMP_VERSION = `
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
local version = redis.call('HINCRBY', KEYS[1], 'tokenVersion', 1)
local expired = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', ARGV[3])
for _, userId in ipairs(expired) do redis.call('HDEL', KEYS[3], userId) end
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', ARGV[3])
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[1])
redis.call('HSET', KEYS[3], ARGV[1], version)
redis.call('PUBLISH', ARGV[4], cjson.encode({ type = 'version', userId = ARGV[1], version = version, ['until'] = tonumber(ARGV[2]) }))
return version
`

/** Revokes one family if it is alive. KEYS: the family. ARGV: at, reason. Returns 1 when it revoked it. */
export const REVOKE_FAMILY = `
local revokedAt = redis.call('HGET', KEYS[1], 'revokedAt')
if revokedAt == false or revokedAt ~= '' then return 0 end
redis.call('HSET', KEYS[1], 'revokedAt', ARGV[1], 'revokedReason', ARGV[2])
return 1
`

/**
 * Revokes every live family of a user. KEYS: the user's family set. ARGV: at, reason, the family key prefix.
 * Forgets families that expired. Returns how many it revoked.
 */
export const REVOKE_USER_FAMILIES = `
local count = 0
for _, id in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  local key = ARGV[3] .. id
  local revokedAt = redis.call('HGET', key, 'revokedAt')
  if revokedAt == false then
    redis.call('SREM', KEYS[1], id)
  elseif revokedAt == '' then
    redis.call('HSET', key, 'revokedAt', ARGV[1], 'revokedReason', ARGV[2])
    count = count + 1
  end
end
return count
`

/** Creates a user unless the email is taken. KEYS: the email key, the user. ARGV: id, then the fields as JSON. */
export const CREATE_USER = `${HASH_FIELDS}
if redis.call('SET', KEYS[1], ARGV[1], 'NX') == false then return 0 end
local user = cjson.decode(ARGV[2])
redis.call('HSET', KEYS[2], unpack(hashFields(user)))
return 1
`

/** A connection with the scripts above defined as commands. */
export type Scripted = Redis & {
  tlRotate(...args: string[]): Promise<RotateOutcome>
  tlDeny(...args: string[]): Promise<number>
  tlBump(...args: string[]): Promise<number>
  tlRevokeFamily(...args: string[]): Promise<number>
  tlRevokeUserFamilies(...args: string[]): Promise<number>
  tlCreateUser(...args: string[]): Promise<number>
  tlBindFamilyKey(...args: string[]): Promise<string | null>
}

/** Defines the scripts on `redis` as commands (ioredis sends EVALSHA, and the script itself when Redis lacks it). */
export function defineScripts(redis: Redis): Scripted {
  for (const [name, numberOfKeys, lua] of [
    ['tlRotate', 3, ROTATE],
    ['tlDeny', 2, DENY],
    ['tlBump', 3, BUMP_VERSION],
    ['tlRevokeFamily', 1, REVOKE_FAMILY],
    ['tlRevokeUserFamilies', 1, REVOKE_USER_FAMILIES],
    ['tlCreateUser', 2, CREATE_USER],
    ['tlBindFamilyKey', 1, BIND_FAMILY_KEY],
  ] as const) {
    redis.defineCommand(name, { numberOfKeys, lua })
  }
  return redis as Scripted
}

import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto'

/**
 * scrypt cost parameters. The default is OWASP's: N = 2^17, r = 8, p = 1, which takes 128 × N × r = 128 MiB of memory
 * and a few hundred ms of one libuv thread per hash (so at most 4 hashes, 512 MiB, run at once with the default
 * thread pool). Tests lower N through `passwordHashCost`.
 */
export interface ScryptParams {
  /** The CPU/memory cost: a power of two above 1 (memory is 128 × N × r bytes). */
  N: number
  /** The block size. */
  r: number
  /** The parallelization. */
  p: number
}

/** OWASP's recommendation for scrypt (Password Storage Cheat Sheet): N = 2^17, r = 8, p = 1. */
export const DEFAULT_SCRYPT_PARAMS: ScryptParams = { N: 2 ** 17, r: 8, p: 1 }
const KEY_LENGTH = 32
const SALT_LENGTH = 16

function derive(password: string, salt: Buffer, params: ScryptParams): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(
      password.normalize('NFKC'),
      salt,
      KEY_LENGTH,
      // Node's default maxmem (32 MiB) refuses N = 2^17; allow what these parameters need, with room to spare.
      { N: params.N, r: params.r, p: params.p, maxmem: 128 * params.N * params.r * 2 },
      (error, key) => (error ? reject(error) : resolve(key)),
    )
  })
}

/**
 * Hashes a password as `scrypt$N$r$p$<salt b64url>$<hash b64url>` (a random 16-byte salt, a 32-byte key; the password
 * NFKC-normalized first, so the same password typed differently matches). The parameters are in the hash, so
 * {@link verifyPassword} checks old hashes after you raise the cost. Rejects with Node's error for parameters scrypt
 * refuses (an `N` that is not a power of two).
 */
export async function hashPassword(password: string, params: ScryptParams = DEFAULT_SCRYPT_PARAMS): Promise<string> {
  const salt = randomBytes(SALT_LENGTH)
  const key = await derive(password, salt, params)
  return ['scrypt', params.N, params.r, params.p, salt.toString('base64url'), key.toString('base64url')].join('$')
}

/**
 * Checks a password against a hash made by {@link hashPassword}, in constant time, with the parameters stored in
 * the hash; `false` for a wrong password or a malformed hash (never throws for either).
 */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$')
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false
  const [N, r, p] = parts.slice(1, 4).map(Number)
  if (!N || !r || !p) return false
  const salt = Buffer.from(parts[4] ?? '', 'base64url')
  const expected = Buffer.from(parts[5] ?? '', 'base64url')
  if (expected.length !== KEY_LENGTH) return false
  const actual = await derive(password, salt, { N, r, p })
  return timingSafeEqual(actual, expected)
}

const dummyHashes = new Map<number, Promise<string>>()
/** A hash of a random password, verified against when the email is unknown so both cases take as long. */
export function getDummyHash(params: ScryptParams = DEFAULT_SCRYPT_PARAMS): Promise<string> {
  let hash = dummyHashes.get(params.N)
  if (!hash) {
    hash = hashPassword(randomBytes(16).toString('hex'), params)
    dummyHashes.set(params.N, hash)
  }
  return hash
}

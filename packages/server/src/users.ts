import { randomUUID } from 'node:crypto'
import type { ScryptParams } from './passwords'
import { DEFAULT_SCRYPT_PARAMS, hashPassword } from './passwords'
import type { AuthStore, User } from './store/authStore'

/** Trims and lower-cases an email, as the store keeps it: `'  Ada@Example.COM '` → `'ada@example.com'`. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase()
}

/**
 * Creates a user with a hashed password (scrypt, {@link DEFAULT_SCRYPT_PARAMS} unless `scrypt` is given: use the
 * issuer's) at token version 0 and a random UUID as id. Rejects with an `Error` whose `code` is `'TL621'` when the
 * email (normalized) is taken. tokenlife has no sign-up endpoint: call it from yours, or to seed users.
 *
 * @example
 * ```ts
 * try {
 *   await createUser(store, { email, password, name }, issuer.scrypt)
 * } catch (error) {
 *   if ((error as { code?: string }).code === 'TL621') return new Response('email taken', { status: 409 })
 *   throw error
 * }
 * ```
 */
export async function createUser(
  store: AuthStore,
  input: { email: string; password: string; name: string },
  scrypt: ScryptParams = DEFAULT_SCRYPT_PARAMS,
): Promise<User> {
  const user: User = {
    id: randomUUID(),
    email: normalizeEmail(input.email),
    name: input.name,
    passwordHash: await hashPassword(input.password, scrypt),
    tokenVersion: 0,
  }
  await store.createUser(user)
  return user
}

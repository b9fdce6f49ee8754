import { randomUUID } from 'node:crypto'
import type { ScryptParams } from './passwords'
import { DEFAULT_SCRYPT_PARAMS, hashPassword } from './passwords'
import type { AuthStore, User } from './store/authStore'

/** Trims and lower-cases an email, as the store keeps it. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase()
}

/** Creates a user with a hashed password at token version 0; throws when the email is taken. */
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

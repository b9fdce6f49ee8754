/**
 * A user of a mock server: who can sign in with which password, and the claims their tokens carry.
 *
 * @example
 * ```ts
 * const admin: MockUser = { email: 'root@example.com', password: 'hunter2!', id: 'admin-1', claims: { role: 'admin' } }
 * ```
 */
export interface MockUser {
  /** The sign-in name (`login({ email, password })`; a `username` field is read as the email too). */
  email: string
  /** The password the login endpoint accepts. */
  password: string
  /** The `sub` claim. Default: `user-1`, `user-2`, … in the order of `users`. */
  id?: string
  /** Claims every token of this user carries besides the standard ones (e.g. `{ name: 'Ada Lovelace', role: 'admin' }`). */
  claims?: Record<string, unknown>
}

/**
 * The user every mock server and scripted client has unless told otherwise: `ada@example.com` / `correct-horse`,
 * `sub` `user-1`, named Ada Lovelace.
 */
export const defaultTestUser: Readonly<Required<MockUser>> = {
  email: 'ada@example.com',
  password: 'correct-horse',
  id: 'user-1',
  claims: { name: 'Ada Lovelace' },
}

/** A user as a server keeps them: the id filled in, the password changeable. */
export interface KnownUser {
  readonly id: string
  readonly email: string
  password: string
  readonly claims: Record<string, unknown>
}

/** The users of one server, by email (case-insensitive) and by id. */
export class UserDirectory {
  readonly #byEmail = new Map<string, KnownUser>()
  readonly #byId = new Map<string, KnownUser>()

  constructor(users: readonly MockUser[]) {
    users.forEach((user, index) => {
      const known: KnownUser = { id: user.id ?? `user-${index + 1}`, email: user.email, password: user.password, claims: { ...user.claims } }
      this.#byEmail.set(user.email.toLowerCase(), known)
      this.#byId.set(known.id, known)
    })
  }

  /** The user with this email (case-insensitive). */
  byEmail(email: string): KnownUser | undefined {
    return this.#byEmail.get(email.toLowerCase())
  }

  /** The user with this id. */
  byId(id: string): KnownUser | undefined {
    return this.#byId.get(id)
  }

  /** Every user, in the order given. */
  all(): KnownUser[] {
    return [...this.#byId.values()]
  }

  /** The first user: who signs in when a test names nobody. */
  first(): KnownUser {
    return this.#byId.values().next().value!
  }

  /** The user's claims for a token: `sub`, `email` and their own. */
  claimsOf(user: KnownUser): Record<string, unknown> {
    return { sub: user.id, email: user.email, ...user.claims }
  }
}

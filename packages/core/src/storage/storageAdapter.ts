/**
 * Where tokenlife persists what it must. Every method may be async and may throw; tokenlife falls back to memory
 * (with one warning) when a storage throws.
 *
 * @example
 * ```ts
 * const sessionStore: StorageAdapter = {
 *   name: 'myStore',
 *   get: async (key) => myStore.read(key) ?? undefined,
 *   set: async (key, value) => myStore.write(key, value),
 *   remove: async (key) => myStore.delete(key),
 * }
 * ```
 */
export interface StorageAdapter {
  /** A short name used in warnings and debug events, e.g. `'localStorage'`. */
  readonly name: string
  /** The value stored under `key`, or `undefined` when there is none. */
  get(key: string): Promise<string | undefined> | string | undefined
  /** Stores `value` under `key`. */
  set(key: string, value: string): Promise<void> | void
  /** Removes `key`; removing a missing key is not an error. */
  remove(key: string): Promise<void> | void
}

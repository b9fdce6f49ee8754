import type { StorageAdapter } from './storageAdapter'

/**
 * A {@link StorageAdapter} that keeps values in memory: nothing survives a reload and other tabs see nothing.
 * Use it for server-side rendering, tests, or when the session must never touch disk.
 *
 * @example
 * ```ts
 * const storage = memoryStorage()
 * storage.set('refresh', 'r1')
 * storage.get('refresh') // 'r1'
 * ```
 */
export function memoryStorage(): StorageAdapter {
  const values = new Map<string, string>()
  return {
    name: 'memory',
    get: (key) => values.get(key),
    set: (key, value) => {
      values.set(key, value)
    },
    remove: (key) => {
      values.delete(key)
    },
  }
}

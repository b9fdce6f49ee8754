import { codedError, invalid } from '../diagnostics/diagnostic'
import type { StorageAdapter } from './storageAdapter'

const globalNames = { local: 'localStorage', session: 'sessionStorage' } as const

/**
 * A {@link StorageAdapter} over `localStorage` (`'local'`) or `sessionStorage` (`'session'`).
 *
 * The global is looked up on every call, never at import or construction, so creating it during server-side
 * rendering is safe. Each call throws where the storage is missing or refuses access (a `SecurityError` when
 * storage is blocked, a `QuotaExceededError` when it is full); tokenlife then keeps the session in memory for
 * the page, with one warning.
 *
 * @example
 * ```ts
 * // Opt in to keeping the access token across reloads of this tab:
 * createAuthClient({ refreshUrl: '/auth/refresh', persistAccessToken: webStorage('session') })
 * ```
 */
export function webStorage(kind: 'local' | 'session'): StorageAdapter {
  const name = globalNames[kind]
  if (process.env.NODE_ENV !== 'production' && name === undefined) invalid('TL129', 'webStorage()', [kind])
  const storage = (): Storage => {
    // Reading the property itself throws a SecurityError where storage is blocked: let it propagate.
    const found = (globalThis as Partial<Record<typeof name, Storage>>)[name]
    if (found == null) {
      throw codedError('TL307', name)
    }
    return found
  }
  return {
    name,
    get: (key) => storage().getItem(key) ?? undefined,
    set: (key, value) => storage().setItem(key, value),
    remove: (key) => storage().removeItem(key),
  }
}

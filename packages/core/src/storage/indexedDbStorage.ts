import { loadOnce } from '../loadOnce'
import type { IdbStore } from './idbKeyvalStore'
import { codedError, invalid } from '../diagnostics/diagnostic'
import type { StorageAdapter } from './storageAdapter'

/** Options of {@link indexedDbStorage}. */
export interface IndexedDbStorageOptions {
  /** The IndexedDB database tokenlife owns. Default `'tokenlife'`. */
  databaseName?: string
  /**
   * The object store inside it. Default `'session'`. The store is only created together with its database, so
   * give each store its own `databaseName` rather than sharing one database between stores.
   */
  storeName?: string
}

function checkName(option: string, value: string | undefined, fallback: string): string {
  if (value === undefined) return fallback
  if (process.env.NODE_ENV !== 'production' && (typeof value !== 'string' || value === '')) invalid('TL130', option, [value])
  return value
}

/**
 * A {@link StorageAdapter} over IndexedDB (through idb-keyval), in a database of its own.
 *
 * Nothing touches IndexedDB until the first call, so creating it during server-side rendering is safe. Calls
 * reject where IndexedDB is missing or refuses to open (some private-browsing modes); tokenlife then keeps the
 * session in memory for the page, with one warning.
 *
 * @example
 * ```ts
 * createAuthClient({
 *   refreshUrl: '/auth/refresh',
 *   refreshToken: 'storage',
 *   storage: indexedDbStorage({ databaseName: 'my-app-auth' }),
 * })
 * ```
 */
export function indexedDbStorage(options: IndexedDbStorageOptions = {}): StorageAdapter {
  const databaseName = checkName('databaseName', options.databaseName, 'tokenlife')
  const storeName = checkName('storeName', options.storeName, 'session')
  // idb-keyval is imported on the first call, so an app that never stores in IndexedDB never loads it.
  const store = loadOnce(() => import('./idbKeyvalStore').then(({ openIdbStore }) => openIdbStore(databaseName, storeName)))
  const useStore = (): Promise<IdbStore> => {
    if (typeof indexedDB === 'undefined' || indexedDB === null) {
      return Promise.reject(codedError('TL308'))
    }
    return store()
  }
  return {
    name: 'indexedDB',
    get: async (key) => {
      const value = await (await useStore()).get(key)
      return typeof value === 'string' ? value : undefined
    },
    set: async (key, value) => (await useStore()).set(key, value),
    remove: async (key) => (await useStore()).remove(key),
  }
}

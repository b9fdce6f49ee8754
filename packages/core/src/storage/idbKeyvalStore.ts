import { createStore, del, entries, get, set } from 'idb-keyval'
import type { SendingRecordsPort } from '../ports'

/** The IndexedDB calls of {@link indexedDbStorage}, in a module of their own so idb-keyval loads on first use. */
export interface IdbStore {
  get(key: string): Promise<unknown>
  set(key: string, value: string): Promise<void>
  remove(key: string): Promise<void>
}

/** Opens (on its first call) the object store `storeName` of the database `databaseName`, through idb-keyval. */
export function openIdbStore(databaseName: string, storeName: string): IdbStore {
  const store = createStore(databaseName, storeName)
  return {
    get: (key) => get(key, store),
    set: (key, value) => set(key, value, store),
    remove: (key) => del(key, store),
  }
}

/** Opens (on its first call) the records of refreshes on the wire, in the database `databaseName` (see `sendingRecords`). */
export function openIdbRecords(databaseName: string, storeName: string): SendingRecordsPort {
  const store = createStore(databaseName, storeName)
  return {
    put: (key, at) => set(key, at, store),
    delete: (key) => del(key, store),
    list: async (prefix) =>
      (await entries<IDBValidKey, unknown>(store)).flatMap(([key, at]) =>
        typeof key === 'string' && key.startsWith(prefix) && typeof at === 'number' ? [{ key, at }] : [],
      ),
  }
}

import { loadOnce } from '../loadOnce'
import type { SendingRecordsPort } from '../ports'

/**
 * The browser's {@link SendingRecordsPort}: an IndexedDB database of its own (`tokenlife-sending`), through idb-keyval,
 * loaded on the first call. Where `available()` is false (no page, no IndexedDB) it records nothing and lists none.
 */
export function idbSendingRecords(available: () => boolean): SendingRecordsPort {
  const open = loadOnce(() => import('./idbKeyvalStore').then(({ openIdbRecords }) => openIdbRecords('tokenlife-sending', 'records')))
  const usable = () => available() && typeof indexedDB !== 'undefined' && indexedDB !== null
  return {
    put: async (key, at) => {
      if (usable()) await (await open()).put(key, at)
    },
    delete: async (key) => {
      if (usable()) await (await open()).delete(key)
    },
    list: async (prefix) => (usable() ? (await open()).list(prefix) : []),
  }
}

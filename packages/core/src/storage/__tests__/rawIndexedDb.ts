/** Reads IndexedDB with the raw browser API, to check what the adapters really wrote. */

const request = <T>(req: IDBRequest<T>): Promise<T> =>
  new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result)
    req.onerror = () => reject(req.error)
  })

/** Every key/value in `storeName` of `databaseName`; the database must already exist (opening never upgrades it). */
export async function readAll(databaseName: string, storeName: string): Promise<Map<string, unknown>> {
  const existing = await indexedDB.databases()
  if (!existing.some((database) => database.name === databaseName)) throw new Error(`no database ${databaseName}`)
  const db = await request(indexedDB.open(databaseName))
  try {
    const store = db.transaction(storeName, 'readonly').objectStore(storeName)
    const [keys, values] = await Promise.all([request(store.getAllKeys()), request(store.getAll())])
    return new Map(keys.map((key, index) => [String(key), values[index]]))
  } finally {
    db.close()
  }
}

import { IDBFactory } from 'fake-indexeddb'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { indexedDbStorage } from '../indexedDbStorage'

afterEach(() => {
  vi.unstubAllGlobals()
})

describe('indexedDbStorage (Node, fake-indexeddb)', () => {
  it('rejects with a clear error on use where indexedDB is missing', async () => {
    expect(typeof indexedDB).toBe('undefined')
    const storage = indexedDbStorage()
    expect(storage.name).toBe('indexedDB')
    await expect(storage.get('refresh')).rejects.toThrow(/IndexedDB is not available here.*memoryStorage\(\)/)
    await expect(storage.set('refresh', 'r1')).rejects.toThrow(/IndexedDB is not available/)
    await expect(storage.remove('refresh')).rejects.toThrow(/IndexedDB is not available/)
  })

  it('does not open a database until the first call', async () => {
    const factory = new IDBFactory()
    const open = vi.spyOn(factory, 'open')
    vi.stubGlobal('indexedDB', factory)
    const storage = indexedDbStorage()
    expect(open).not.toHaveBeenCalled()
    await storage.get('refresh')
    expect(open).toHaveBeenCalledWith('tokenlife')
  })

  it('round-trips values in its own database and store', async () => {
    vi.stubGlobal('indexedDB', new IDBFactory())
    const storage = indexedDbStorage()
    await storage.set('refresh', 'r1')
    expect(await storage.get('refresh')).toBe('r1')
    expect(await indexedDbStorage({ databaseName: 'other' }).get('refresh')).toBeUndefined()
    await storage.remove('refresh')
    expect(await storage.get('refresh')).toBeUndefined()
    await storage.remove('refresh')
    const databases = await indexedDB.databases()
    expect(databases.map((database) => database.name).sort()).toEqual(['other', 'tokenlife'])
  })

  it('rejects bad options with a TypeError naming the option', () => {
    expect(() => indexedDbStorage({ databaseName: '' })).toThrow(/databaseName must be a non-empty string/)
    expect(() => indexedDbStorage({ storeName: 1 as unknown as string })).toThrow(/storeName/)
  })
})

import { describe, expect, it } from 'vitest'
import { indexedDbStorage } from '../indexedDbStorage'
import { readAll } from './rawIndexedDb'

const uniqueName = () => `tokenlife-test-${crypto.randomUUID()}`

describe('indexedDbStorage in Chromium', () => {
  it('stores in database "tokenlife", store "session", and removes for real', async () => {
    const storage = indexedDbStorage()
    const key = `tokenlife-test-idb:${crypto.randomUUID()}`
    expect(await storage.get(key)).toBeUndefined()
    await storage.set(key, 'r1')
    expect((await readAll('tokenlife', 'session')).get(key)).toBe('r1')
    expect(await storage.get(key)).toBe('r1')
    await storage.remove(key)
    expect((await readAll('tokenlife', 'session')).has(key)).toBe(false)
    expect(await storage.get(key)).toBeUndefined()
  })

  it('keeps databases with different names apart', async () => {
    const [nameA, nameB] = [uniqueName(), uniqueName()]
    const a = indexedDbStorage({ databaseName: nameA })
    const b = indexedDbStorage({ databaseName: nameB })
    await a.set('refresh', 'from-a')
    await b.set('other', 'from-b')
    expect(await b.get('refresh')).toBeUndefined()
    expect(await a.get('other')).toBeUndefined()
    expect(await a.get('refresh')).toBe('from-a')
    expect([...(await readAll(nameA, 'session')).keys()]).toEqual(['refresh'])
    expect([...(await readAll(nameB, 'session')).keys()]).toEqual(['other'])
  })

  it('uses a custom store name', async () => {
    const databaseName = uniqueName()
    await indexedDbStorage({ databaseName, storeName: 'tokens' }).set('refresh', 'r1')
    expect((await readAll(databaseName, 'tokens')).get('refresh')).toBe('r1')
  })

  it('sees what another instance on the same database stored (a reload)', async () => {
    const databaseName = uniqueName()
    await indexedDbStorage({ databaseName }).set('refresh', 'r1')
    expect(await indexedDbStorage({ databaseName }).get('refresh')).toBe('r1')
  })
})

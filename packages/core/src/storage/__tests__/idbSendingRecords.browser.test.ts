import { describe, expect, it } from 'vitest'
import { idbSendingRecords } from '../idbSendingRecords'
import { readAll } from './rawIndexedDb'

describe('the records of refreshes on the wire, in Chromium IndexedDB', () => {
  it('a record is in database "tokenlife-sending" once put resolves, listed by prefix, and gone once deleted', async () => {
    const records = idbSendingRecords(() => true)
    const prefix = `tokenlife:test-${crypto.randomUUID()}:sending:`
    await records.put(`${prefix}a`, 1000)
    await records.put(`${prefix}b`, 2000)
    await records.put('tokenlife:another:sending:c', 3000)
    // Committed: what any other tab's next transaction reads.
    expect((await readAll('tokenlife-sending', 'records')).get(`${prefix}b`)).toBe(2000)
    expect((await records.list(prefix)).sort((x, y) => x.at - y.at)).toEqual([
      { key: `${prefix}a`, at: 1000 },
      { key: `${prefix}b`, at: 2000 },
    ])
    await records.delete(`${prefix}a`)
    expect(await records.list(prefix)).toEqual([{ key: `${prefix}b`, at: 2000 }])
    await records.delete(`${prefix}b`)
    expect(await records.list(prefix)).toEqual([])
  })

  it('records nothing where it is not available (no page)', async () => {
    const records = idbSendingRecords(() => false)
    await records.put('tokenlife:none:sending:x', 1)
    expect(await records.list('tokenlife:none:sending:')).toEqual([])
    expect((await readAll('tokenlife-sending', 'records')).has('tokenlife:none:sending:x')).toBe(false)
  })
})

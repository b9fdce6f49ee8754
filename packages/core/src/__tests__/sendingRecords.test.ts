import { FakeEnvironment, SharedSendingRecords } from '@tokenlife/test-utils'
import { describe, expect, it } from 'vitest'
import type { SendingRecordsPort } from '../ports'
import { lastRecordedSend, recordSending } from '../sendingRecords'

const prefix = 'tokenlife:default:sending:'

/** An environment whose records never answer (a hung IndexedDB), or fail. */
function brokenRecords(kind: 'hangs' | 'fails'): SendingRecordsPort {
  const broken = () => (kind === 'hangs' ? new Promise<never>(() => {}) : Promise.reject(new Error('IndexedDB refused')))
  return { put: broken, delete: broken, list: broken }
}

describe('records of refreshes on the wire (what cookie mode writes before a refresh leaves)', () => {
  it('a record is listed once written, and gone once the answer was read', async () => {
    const env = new FakeEnvironment()
    env.sendingRecords = new SharedSendingRecords(() => 5).portFor(env)
    const writing = recordSending(env, prefix, env.now())
    env.advance(5)
    const done = await writing
    const listing = lastRecordedSend(env, prefix, 60_000)
    env.advance(1)
    expect(await listing).toBe(env.now() - 6)
    done()
    env.advance(5)
    const after = lastRecordedSend(env, prefix, 60_000)
    env.advance(1)
    expect(await after).toBeUndefined()
  })

  it('records older than the horizon are ignored and removed (pages long gone)', async () => {
    const env = new FakeEnvironment()
    const records = new SharedSendingRecords(() => 0)
    env.sendingRecords = records.portFor(env)
    records.committed.set(`${prefix}old`, env.now() - 70_000)
    records.committed.set(`${prefix}recent`, env.now() - 1_000)
    const listing = lastRecordedSend(env, prefix, 60_000)
    env.advance(1)
    expect(await listing).toBe(env.now() - 1_001)
    env.advance(1)
    expect([...records.committed.keys()]).toEqual([`${prefix}recent`])
  })

  it.each(['hangs', 'fails'] as const)('an IndexedDB that %s does not stop the refresh: it goes on without its record within a second', async (kind) => {
    const env = new FakeEnvironment()
    env.sendingRecords = brokenRecords(kind)
    let recorded = false
    void recordSending(env, prefix, env.now()).then(() => (recorded = true))
    let listed: number | undefined | 'pending' = 'pending'
    void lastRecordedSend(env, prefix, 60_000).then((at) => (listed = at))
    env.advance(1_000)
    await new Promise((resolve) => setImmediate(resolve))
    expect(recorded).toBe(true)
    expect(listed).toBeUndefined()
  })
})

import { describe, expect, it } from 'vitest'
import { memoryStorage } from '../memoryStorage'

describe('memoryStorage', () => {
  it('round-trips a value and forgets it on remove', async () => {
    const storage = memoryStorage()
    expect(await storage.get('refresh')).toBeUndefined()
    await storage.set('refresh', 'r1')
    expect(await storage.get('refresh')).toBe('r1')
    await storage.set('refresh', 'r2')
    expect(await storage.get('refresh')).toBe('r2')
    await storage.remove('refresh')
    expect(await storage.get('refresh')).toBeUndefined()
    await storage.remove('missing')
  })

  it('gives each instance its own values', async () => {
    const a = memoryStorage()
    const b = memoryStorage()
    await a.set('refresh', 'r1')
    expect(await b.get('refresh')).toBeUndefined()
  })
})

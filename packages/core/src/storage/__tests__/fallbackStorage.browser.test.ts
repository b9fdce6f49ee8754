import { afterEach, describe, expect, it, vi } from 'vitest'
import { withMemoryFallback } from '../fallbackStorage'
import { indexedDbStorage } from '../indexedDbStorage'
import { webStorage } from '../webStorage'
import { readAll } from './rawIndexedDb'

const prefix = 'tokenlife-test-fallback:'
const sdkKeys = [`${prefix}refresh`, `${prefix}session`]
const leftovers = (storage: Storage) => Object.keys(storage).filter((key) => key.startsWith(prefix))

afterEach(() => {
  vi.restoreAllMocks()
  for (const storage of [localStorage, sessionStorage]) for (const key of leftovers(storage)) storage.removeItem(key)
})

describe('withMemoryFallback in Chromium', () => {
  it('keeps the session in memory with one warning when localStorage.setItem hits its quota', () => {
    vi.spyOn(Storage.prototype, 'setItem').mockImplementation(() => {
      throw new DOMException('Setting the value exceeded the quota.', 'QuotaExceededError')
    })
    const warn = vi.fn()
    const storage = withMemoryFallback(webStorage('local'), warn)
    for (let i = 0; i < 3; i++) storage.set(`${prefix}refresh`, `r${i}`)
    expect(storage.get(`${prefix}refresh`)).toBe('r2')
    expect(localStorage.getItem(`${prefix}refresh`)).toBeNull()
    expect(storage.degraded).toBe(true)
    expect(warn).toHaveBeenCalledTimes(1)
    expect(warn.mock.calls[0]?.[0]).toMatch(/^localStorage failed \(QuotaExceededError: Setting the value exceeded/)
  })

  it('survives a real QuotaExceededError from a full localStorage', () => {
    const warn = vi.fn()
    const storage = withMemoryFallback(webStorage('local'), warn)
    const huge = 'x'.repeat(6 * 1024 * 1024) // Chromium allows about 5M characters per origin
    storage.set(`${prefix}session`, huge)
    expect(storage.degraded).toBe(true)
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('QuotaExceededError'))
    expect(localStorage.getItem(`${prefix}session`)).toBeNull()
    expect(storage.get(`${prefix}session`)).toBe(huge)
  })

  it('clears what localStorage held before the failure when the SDK removes its keys', () => {
    const storage = withMemoryFallback(webStorage('local'), vi.fn())
    storage.set(`${prefix}refresh`, 'stored-before-failure')
    vi.spyOn(Storage.prototype, 'setItem').mockImplementation(() => {
      throw new DOMException('full', 'QuotaExceededError')
    })
    storage.set(`${prefix}session`, 'in-memory')
    expect(storage.degraded).toBe(true)
    for (const key of sdkKeys) storage.remove(key)
    expect(leftovers(localStorage)).toEqual([])
    expect(sdkKeys.map((key) => storage.get(key))).toEqual([undefined, undefined])
  })
})

describe('clearing', () => {
  it('leaves none of the SDK keys in localStorage, sessionStorage or IndexedDB after removing them', async () => {
    const warn = vi.fn()
    const adapters = [
      withMemoryFallback(webStorage('local'), warn),
      withMemoryFallback(webStorage('session'), warn),
      withMemoryFallback(indexedDbStorage(), warn),
    ]
    for (const adapter of adapters) for (const key of sdkKeys) await adapter.set(key, `${adapter.name}:${key}`)
    expect(leftovers(localStorage)).toHaveLength(2)
    expect(leftovers(sessionStorage)).toHaveLength(2)
    const idbKeys = async () => [...(await readAll('tokenlife', 'session')).keys()].filter((k) => k.startsWith(prefix))
    expect(await idbKeys()).toHaveLength(2)

    for (const adapter of adapters) for (const key of sdkKeys) await adapter.remove(key)

    expect(leftovers(localStorage)).toEqual([])
    expect(leftovers(sessionStorage)).toEqual([])
    expect(await idbKeys()).toEqual([])
    expect(warn).not.toHaveBeenCalled()
  })
})

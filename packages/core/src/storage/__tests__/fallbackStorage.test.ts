import { describe, expect, it, vi } from 'vitest'
import { memoryStorage } from '../memoryStorage'
import { withMemoryFallback } from '../fallbackStorage'
import type { StorageAdapter } from '../storageAdapter'

const quotaError = () => new DOMException('The quota has been exceeded.', 'QuotaExceededError')

/** An adapter whose every call throws synchronously, or rejects when `async`. */
function brokenAdapter(async: boolean): StorageAdapter & { remove: ReturnType<typeof vi.fn> } {
  const fail = () => {
    if (async) return Promise.reject(quotaError())
    throw quotaError()
  }
  return { name: 'localStorage', get: vi.fn(fail), set: vi.fn(fail), remove: vi.fn(fail) }
}

describe('withMemoryFallback', () => {
  it('passes calls through to a healthy adapter without warning', async () => {
    const real = memoryStorage()
    const warn = vi.fn()
    const storage = withMemoryFallback(real, warn)
    await storage.set('refresh', 'r1')
    expect(await real.get('refresh')).toBe('r1')
    expect(await storage.get('refresh')).toBe('r1')
    await storage.remove('refresh')
    expect(await real.get('refresh')).toBeUndefined()
    expect(storage.degraded).toBe(false)
    expect(storage.name).toBe('memory')
    expect(warn).not.toHaveBeenCalled()
  })

  it('keeps a sync adapter sync', () => {
    const storage = withMemoryFallback(memoryStorage(), vi.fn())
    expect(storage.set('refresh', 'r1')).toBeUndefined()
    expect(storage.get('refresh')).toBe('r1')
  })

  describe.each([
    ['throws synchronously', false],
    ['rejects', true],
  ])('when the adapter %s', (_label, async) => {
    it('warns once, keeps the session in memory and reports degraded', async () => {
      const warn = vi.fn()
      const storage = withMemoryFallback(brokenAdapter(async), warn)
      expect(storage.degraded).toBe(false)

      await expect(Promise.resolve(storage.set('refresh', 'r1'))).resolves.toBeUndefined()
      expect(await storage.get('refresh')).toBe('r1')
      for (let i = 0; i < 5; i++) await storage.set(`key${i}`, `v${i}`)
      expect(await storage.get('key4')).toBe('v4')
      await storage.remove('key4')
      expect(await storage.get('key4')).toBeUndefined()

      expect(storage.degraded).toBe(true)
      expect(warn).toHaveBeenCalledTimes(1)
      const message = warn.mock.calls[0]?.[0] as string
      expect(message).toContain('localStorage failed')
      expect(message).toContain('QuotaExceededError: The quota has been exceeded.')
      expect(message).toContain('in memory')
    })

    it('still tries to remove from the real adapter after falling back, ignoring its errors', async () => {
      const real = brokenAdapter(async)
      const storage = withMemoryFallback(real, vi.fn())
      await storage.set('refresh', 'r1')
      await expect(Promise.resolve(storage.remove('refresh'))).resolves.toBeUndefined()
      expect(real.remove).toHaveBeenCalledWith('refresh')
      expect(await storage.get('refresh')).toBeUndefined()
    })

    it('warns only once when many calls fail at the same time', async () => {
      const warn = vi.fn()
      const storage = withMemoryFallback(brokenAdapter(async), warn)
      await Promise.all([storage.set('a', '1'), storage.set('b', '2'), storage.get('a'), storage.remove('c')])
      expect(warn).toHaveBeenCalledTimes(1)
      expect(await storage.get('a')).toBe('1')
      expect(await storage.get('b')).toBe('2')
    })
  })

  it('clears values the real adapter stored before it started failing', async () => {
    const real = memoryStorage()
    const storage = withMemoryFallback(
      { name: 'flaky', get: real.get, remove: real.remove, set: () => Promise.reject(new Error('disk full')) },
      vi.fn(),
    )
    await real.set('refresh', 'old')
    await storage.set('access', 'a1') // fails: falls back
    expect(storage.degraded).toBe(true)
    await storage.remove('refresh')
    expect(await real.get('refresh')).toBeUndefined()
  })

  it('describes errors that are not Error objects', () => {
    const warn = vi.fn()
    const storage = withMemoryFallback(
      {
        name: 'custom',
        get: () => undefined,
        set: () => {
          throw 'nope'
        },
        remove: () => undefined,
      },
      warn,
    )
    storage.set('k', 'v')
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('custom failed (nope)'))
    expect(storage.get('k')).toBe('v')
  })
})

import { afterEach, describe, expect, it, vi } from 'vitest'
import { webStorage } from '../webStorage'

/** A minimal Storage for Node, where there is none. */
function fakeStorage(): Storage {
  const values = new Map<string, string>()
  return {
    get length() {
      return values.size
    },
    key: (index) => [...values.keys()][index] ?? null,
    getItem: (key) => values.get(key) ?? null,
    setItem: (key, value) => void values.set(key, String(value)),
    removeItem: (key) => void values.delete(key),
    clear: () => values.clear(),
  }
}

afterEach(() => {
  vi.unstubAllGlobals()
})

describe('webStorage', () => {
  it('throws a clear error on use where the global is missing (Node, SSR)', () => {
    expect(typeof window).toBe('undefined')
    vi.stubGlobal('localStorage', undefined)
    const storage = webStorage('local')
    expect(storage.name).toBe('localStorage')
    expect(() => storage.get('refresh')).toThrow(/localStorage is not available here.*memoryStorage\(\)/)
    expect(() => storage.set('refresh', 'r1')).toThrow(/localStorage is not available/)
    expect(() => storage.remove('refresh')).toThrow(/localStorage is not available/)
  })

  it('looks the global up at call time, not at construction', () => {
    vi.stubGlobal('sessionStorage', undefined)
    const storage = webStorage('session')
    const stub = fakeStorage()
    vi.stubGlobal('sessionStorage', stub)
    storage.set('refresh', 'r1')
    expect(stub.getItem('refresh')).toBe('r1')
    expect(storage.get('refresh')).toBe('r1')
    storage.remove('refresh')
    expect(storage.get('refresh')).toBeUndefined()
  })

  it('lets a SecurityError from the global itself propagate', () => {
    const securityError = new DOMException('Access is denied for this document.', 'SecurityError')
    Object.defineProperty(globalThis, 'localStorage', {
      configurable: true,
      get: () => {
        throw securityError
      },
    })
    try {
      const storage = webStorage('local') // construction must not touch the global
      expect(() => storage.get('refresh')).toThrow(securityError)
    } finally {
      delete (globalThis as { localStorage?: unknown }).localStorage
    }
  })

  it('rejects an unknown kind with a TypeError', () => {
    expect(() => webStorage('cookie' as 'local')).toThrow(TypeError)
  })
})

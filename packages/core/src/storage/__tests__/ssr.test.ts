import { describe, expect, it } from 'vitest'

describe('storage adapters on the server', () => {
  it('import and construct without touching window, localStorage or indexedDB', async () => {
    const touched: string[] = []
    const trap = (name: string) =>
      Object.defineProperty(globalThis, name, {
        configurable: true,
        get: () => {
          touched.push(name)
          return undefined
        },
      })
    for (const name of ['window', 'localStorage', 'sessionStorage', 'indexedDB']) trap(name)
    try {
      const [{ memoryStorage }, { webStorage }, { indexedDbStorage }, { withMemoryFallback }] = await Promise.all([
        import('../memoryStorage'),
        import('../webStorage'),
        import('../indexedDbStorage'),
        import('../fallbackStorage'),
      ])
      memoryStorage()
      withMemoryFallback(webStorage('local'), () => {})
      withMemoryFallback(webStorage('session'), () => {})
      withMemoryFallback(indexedDbStorage(), () => {})
      expect(touched).toEqual([])
    } finally {
      for (const name of ['window', 'localStorage', 'sessionStorage', 'indexedDB']) {
        delete (globalThis as Record<string, unknown>)[name]
      }
    }
  })
})

import type { StorageAdapter } from '@tokenlife/core'

/** A {@link StorageAdapter} that keeps values in a map and records every call, for assertions on what was stored. */
export interface SpyStorage extends StorageAdapter {
  /** What is stored right now. */
  readonly values: Map<string, string>
  /** Every call, in order: `['set', key, value]`, `['get', key]`, `['remove', key]`. */
  readonly calls: (['get', string] | ['set', string, string] | ['remove', string])[]
  /** Keys written at least once. */
  readonly writtenKeys: () => string[]
}

/**
 * An in-memory adapter that records every call. Several clients may share one (a reload, another tab), and
 * `values` can be seeded before a client starts.
 *
 * @example
 * ```ts
 * const storage = spyStorage()
 * createAuthClient({ refreshUrl, refreshToken: 'storage', storage })
 * expect(storage.values.get('tokenlife:default:refresh_token')).toBe('rt-1-1')
 * ```
 */
export function spyStorage(name = 'spy'): SpyStorage {
  const values = new Map<string, string>()
  const calls: SpyStorage['calls'] = []
  return {
    name,
    values,
    calls,
    writtenKeys: () => [...new Set(calls.filter((call) => call[0] === 'set').map((call) => call[1]))],
    get: async (key) => {
      calls.push(['get', key])
      return values.get(key)
    },
    set: async (key, value) => {
      calls.push(['set', key, value])
      values.set(key, value)
    },
    remove: async (key) => {
      calls.push(['remove', key])
      values.delete(key)
    },
  }
}

/**
 * An adapter whose every call fails the way a full or blocked browser storage does: it throws a
 * `QuotaExceededError` synchronously, or rejects with it when `async`. `calls` counts the attempts.
 */
export function failingStorage(name = 'localStorage', { async = false } = {}): StorageAdapter & { calls: number } {
  const adapter = {
    name,
    calls: 0,
    get: () => fail(),
    set: () => fail(),
    remove: () => fail(),
  }
  function fail(): never {
    adapter.calls++
    const error = new DOMException('The quota has been exceeded.', 'QuotaExceededError')
    if (async) return Promise.reject(error) as never
    throw error
  }
  return adapter
}

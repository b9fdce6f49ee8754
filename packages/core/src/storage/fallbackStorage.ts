import { diagnosticText } from '../diagnostics/diagnostic'
import type { StorageAdapter } from './storageAdapter'

/** A {@link StorageAdapter} that may have fallen back to memory; see {@link withMemoryFallback}. */
export type FallbackStorageAdapter = StorageAdapter & {
  /** `true` once the wrapped adapter failed and every call goes to memory. */
  readonly degraded: boolean
}

const isPromiseLike = (value: unknown): value is PromiseLike<unknown> =>
  typeof (value as PromiseLike<unknown> | null)?.then === 'function'

/**
 * Wraps `adapter` so a storage failure never ends the session. The first time any call throws or rejects,
 * `warn` is called once and every later call goes to an in-memory store for the rest of the page's life;
 * the value of the failing `set` is kept there. `remove` still tries the wrapped adapter too (errors ignored),
 * so logging out clears what was stored before the failure. Sync adapters stay sync.
 *
 * `warn` receives the message without a `[tokenlife]` prefix (`Environment.warn` adds it).
 *
 * @example
 * ```ts
 * const storage = withMemoryFallback(webStorage('local'), (message) => console.warn(`[tokenlife] ${message}`))
 * await storage.set('refresh', token) // never throws, even in a full or blocked localStorage
 * if (storage.degraded) showBanner('You will be signed out when you close this tab.')
 * ```
 */
export function withMemoryFallback(adapter: StorageAdapter, warn: (message: string) => void): FallbackStorageAdapter {
  const memory = new Map<string, string>()
  let degraded = false

  const fallBack = (error: unknown): void => {
    if (degraded) return
    degraded = true
    warn(diagnosticText('TL301', adapter.name, error))
  }

  /** Runs `real` unless degraded; on a throw or rejection falls back and runs `inMemory` instead. */
  const attempt = <T>(real: () => T | Promise<T>, inMemory: () => T): T | Promise<T> => {
    if (degraded) return inMemory()
    let result: T | Promise<T>
    try {
      result = real()
    } catch (error) {
      fallBack(error)
      return inMemory()
    }
    if (!isPromiseLike(result)) return result
    return Promise.resolve(result).then(undefined, (error: unknown) => {
      fallBack(error)
      return inMemory()
    })
  }

  const removeEverywhere = (key: string): void | Promise<void> => {
    memory.delete(key)
    try {
      const pending = adapter.remove(key)
      if (isPromiseLike(pending)) return Promise.resolve(pending).then(undefined, () => undefined)
    } catch {
      // Best effort: the wrapped adapter already failed once.
    }
  }

  return {
    name: adapter.name,
    get degraded() {
      return degraded
    },
    get: (key) => attempt(() => adapter.get(key), () => memory.get(key)),
    set: (key, value) =>
      attempt(
        () => adapter.set(key, value),
        () => void memory.set(key, value),
      ),
    remove: (key) =>
      degraded
        ? removeEverywhere(key)
        : attempt(
            () => adapter.remove(key),
            () => void memory.delete(key),
          ),
  }
}

import { TestLockManager } from './testBrowser'

/**
 * Gives a test DOM without Web Locks a `navigator.locks` — exclusive locks, all tokenlife uses — for an app's own
 * client (one made with `createAuthClient()` and the browser environment) in component tests. jsdom has none, and
 * happy-dom's is `null`: tokenlife then elects a leader over the broadcast-channel library instead, which fails in
 * happy-dom (it reads `navigator.locks.request`), runs on real timers in jsdom (a few hundred milliseconds per
 * refresh) and is loaded by a dynamic `import()`, which Jest refuses without `--experimental-vm-modules`. Does
 * nothing where `navigator.locks` is there. Call it in a setup file, before the app's client first refreshes;
 * returns a function that removes it.
 *
 * @example
 * ```ts
 * // vitest.setup.ts or jest.setup.js
 * import { installWebLocks } from '@tokenlife/testing'
 * installWebLocks()
 * ```
 */
export function installWebLocks(): () => void {
  const navigator = (globalThis as { navigator?: { locks?: unknown } }).navigator
  if (!navigator || navigator.locks) return () => {}
  Object.defineProperty(navigator, 'locks', { value: new TestLockManager(), configurable: true, writable: true })
  return () => void delete (navigator as { locks?: unknown }).locks
}

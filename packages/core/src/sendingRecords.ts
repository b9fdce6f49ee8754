import type { Environment } from './ports'

/**
 * How long a refresh waits for IndexedDB before it goes on without its record, ms: a hung or broken IndexedDB must
 * not stop refreshes (they then rely on the shared marks alone, as where there is no IndexedDB).
 */
const WAIT_MS = 1_000

/** `work`'s result, or `fallback` when it fails or takes longer than {@link WAIT_MS}. */
function bounded<T>(env: Environment, work: Promise<T>, fallback: T): Promise<T> {
  return new Promise((resolve) => {
    const timer = env.setTimeout(() => resolve(fallback), WAIT_MS)
    work.then(
      (value) => {
        env.clearTimeout(timer)
        resolve(value)
      },
      () => {
        env.clearTimeout(timer)
        resolve(fallback)
      },
    )
  })
}

/**
 * A refresh request leaves at most this long after the time its records carry (device ms): a sender that took longer
 * to write them (the device slept, the tab froze) records again before it sends. Writing a record is bounded by
 * {@link WAIT_MS}; the rest is room for a timer that fires late.
 */
export const SEND_SLACK_MS = 2 * WAIT_MS

/**
 * Records, where every tab reads it at once (`environment.sendingRecords`: IndexedDB), that a refresh request leaves
 * at `at`, and resolves once the record is written. Unlike the sending mark (`localStorage`, which reaches other tabs
 * late), it is there for the sibling that takes the lock next even when this page is closed right after sending.
 * Returns the function that removes the record once the answer is read.
 */
export async function recordSending(env: Environment, prefix: string, at: number): Promise<() => void> {
  const records = env.sendingRecords
  if (!records) return () => {}
  const key = `${prefix}${env.randomId()}`
  await bounded(env, records.put(key, at), undefined)
  return () => void records.delete(key).catch(() => {})
}

/**
 * When the latest recorded refresh request still within `horizonMs` left (device ms), if any. Records older than
 * that belong to pages long gone: they are removed.
 */
export async function lastRecordedSend(env: Environment, prefix: string, horizonMs: number): Promise<number | undefined> {
  const records = env.sendingRecords
  if (!records) return undefined
  const found = await bounded(env, records.list(prefix), [])
  let last: number | undefined
  for (const { key, at } of found) {
    if (env.now() - at > horizonMs) void records.delete(key).catch(() => {})
    else if (last === undefined || at > last) last = at
  }
  return last
}

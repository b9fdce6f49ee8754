import type { BroadcastChannel, BroadcastChannelOptions, LeaderElectionOptions, LeaderElector } from 'broadcast-channel'
import { loadOnce } from './loadOnce'
import type { LockManagerPort } from './ports'

/** The two parts of the broadcast-channel module an election lock uses (see {@link ElectionLocksOptions.load}). */
export interface ElectionLibrary {
  /** The library's channel class; one channel is opened per lock request. */
  BroadcastChannel: new (name: string, options?: BroadcastChannelOptions) => BroadcastChannel
  /** Creates the elector of a channel. */
  createLeaderElection(channel: BroadcastChannel, options?: LeaderElectionOptions): LeaderElector
}

/** How {@link createElectionLocks} reaches broadcast-channel. The browser environment passes none of these. */
export interface ElectionLocksOptions {
  /** Loads the library, on the first lock request only. Default `import('broadcast-channel')`. */
  load?: () => Promise<ElectionLibrary>
  /**
   * Options for every channel the election opens. Default the library's choice of transport (the native
   * `BroadcastChannel`, else IndexedDB, else localStorage). Tests pass `{ type: 'simulate' }` or an in-memory
   * transport in `methods`.
   */
  channel?: BroadcastChannelOptions
  /** The election's `responseTime` and `fallbackInterval`. Default the library's (for the native transport 150 ms and 3 s). */
  election?: LeaderElectionOptions
}

const abortError = (message: string) => new DOMException(message, 'AbortError')

/**
 * A {@link LockManagerPort} for browsers without Web Locks: each request opens a broadcast-channel channel named after
 * the lock, and its callback runs while that channel's elector is the leader. An elector that is not the leader
 * answers nothing. The leader answers every applicant at once, so at most one client of the origin holds a name. The
 * library is loaded on the first request, as a lazy chunk: a browser with Web Locks never loads it.
 *
 * It is weaker than Web Locks, and these options differ:
 * - `ifAvailable`: one election round (about 2 × `responseTime`). When another client leads, or a rival with a
 *   higher token applies, the callback gets `null`.
 * - `signal`: aborting while waiting gives up the candidacy and rejects with an `AbortError`. Once the lock is
 *   granted, aborting does nothing.
 * - `steal`: a leader that answers cannot be deposed, so a steal waits like any request. This is safe: a holder
 *   that no longer answers is replaced by the election itself. A closed tab normally says so as it unloads. A
 *   crashed, frozen or long-busy one is noticed when it stays silent through a fallback round (`fallbackInterval`
 *   + 8 × `responseTime`).
 * - When a replaced holder runs again, the two leaders hear each other. Each one's request then rejects with an
 *   `AbortError`, as a stolen Web Lock's does. Its callback runs on, and the channel stays open until it ends,
 *   so applicants keep waiting and no third client joins.
 * - `query` is absent: no lock names are listed, so a holder cannot read the newest session from them.
 *
 * Exclusion between clients of one page relies on the transport delivering between channels of one page. Every
 * transport of the library does (its localStorage one dispatches the event in its own page too).
 *
 * @example
 * ```ts
 * // A test: two "tabs" in one process, over the library's in-process transport.
 * const options = { channel: { type: 'simulate' }, election: { responseTime: 20, fallbackInterval: 100 } } as const
 * const tabA = createElectionLocks(options)
 * const tabB = createElectionLocks(options)
 * await Promise.all([tabA, tabB].map((locks) => locks.request('refresh', {}, () => refreshOnce())))
 * ```
 */
export function createElectionLocks(options: ElectionLocksOptions = {}): LockManagerPort {
  const loaded = loadOnce<ElectionLibrary>(options.load ?? (() => import('broadcast-channel')))
  return {
    request: async (name, { signal, ifAvailable }, callback) => {
      if (signal?.aborted) throw abortError('The lock request was aborted')
      const { BroadcastChannel: Channel, createLeaderElection } = await loaded()
      if (signal?.aborted) throw abortError('The lock request was aborted')
      const channel = new Channel(name, options.channel)
      const elector = createLeaderElection(channel, options.election)
      // Closing the channel also ends the elector: a leader tells the others it is gone.
      const close = () => void Promise.resolve().then(() => channel.close()).catch(() => {})
      let leader: boolean
      try {
        leader = ifAvailable ? await elector.applyOnce() : await leadership(elector, signal)
      } catch (error) {
        close()
        throw error
      }
      if (!leader) {
        close()
        return callback(null)
      }
      return holding(elector, name, callback, close)
    },
  }
}

/** Resolves once `elector` leads, or rejects with an `AbortError` when `signal` aborts first. */
function leadership(elector: LeaderElector, signal: AbortSignal | undefined): Promise<boolean> {
  return new Promise<boolean>((resolve, reject) => {
    const onAbort = () => reject(abortError('The lock request was aborted'))
    signal?.addEventListener('abort', onAbort, { once: true })
    void elector.awaitLeadership().then(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve(true)
    })
  })
}

/**
 * Runs `callback` as the leader. The request settles with the callback, or it rejects with an `AbortError` once
 * another leader is heard. The channel closes only when the callback ends.
 */
function holding<T>(elector: LeaderElector, name: string, callback: (lock: unknown) => Promise<T> | T, close: () => void): Promise<T> {
  const running = Promise.resolve().then(() => callback({ name }))
  void running.then(close, close)
  return new Promise<T>((resolve, reject) => {
    elector.onduplicate = () => reject(abortError('another client was elected too: the lock is no longer held'))
    running.then(resolve, reject)
  })
}

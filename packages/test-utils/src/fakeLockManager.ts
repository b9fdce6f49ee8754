import type { LockManagerPort } from '@tokenlife/core'

interface Waiter {
  run: () => void
  reject: (error: unknown) => void
}

const abortError = () => new DOMException('The lock request was aborted', 'AbortError')

/**
 * An in-process stand-in for the Web Locks API (exclusive mode, `ifAvailable`, `signal`, `steal`), shared by every
 * simulated tab. Records how many callbacks ever held one lock at once, so tests can prove mutual exclusion.
 */
export class FakeLockManager implements LockManagerPort {
  #held = new Map<string, { steal: () => void; owner: object | undefined }>()
  #queues = new Map<string, Waiter[]>()
  /** The largest number of callbacks that held the same lock at the same time (1 unless stolen). */
  maxConcurrentHolders = 0
  #holders = new Map<string, number>()
  /** Number of times a lock was taken over with `steal`. */
  steals = 0

  /**
   * Like `navigator.locks.request`. `options.owner` (not part of the Web Locks API) names the page that asks, so that
   * {@link FakeLockManager.releaseHeldBy} can free what that page still holds when it goes away.
   */
  request<T>(
    name: string,
    options: { signal?: AbortSignal; ifAvailable?: boolean; steal?: boolean; owner?: object },
    callback: (lock: unknown) => Promise<T> | T,
  ): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (options.signal?.aborted) return reject(abortError())
      const grant = () => {
        let released = false
        const release = () => {
          if (released) return
          released = true
          this.#holders.set(name, (this.#holders.get(name) ?? 1) - 1)
          if (this.#held.get(name) === holder) this.#held.delete(name)
          this.#next(name)
        }
        const holder = {
          owner: options.owner,
          // Taken over: the lock passes straight to the thief, not to the queue.
          steal: () => {
            if (released) return
            released = true
            this.#holders.set(name, (this.#holders.get(name) ?? 1) - 1)
            this.#held.delete(name)
            reject(abortError())
          },
        }
        this.#held.set(name, holder)
        const holders = (this.#holders.get(name) ?? 0) + 1
        this.#holders.set(name, holders)
        this.maxConcurrentHolders = Math.max(this.maxConcurrentHolders, holders)
        Promise.resolve()
          .then(() => callback({ name }))
          .then(
            (value) => {
              release()
              resolve(value)
            },
            (error: unknown) => {
              release()
              reject(error)
            },
          )
      }
      if (options.steal) {
        this.steals++
        this.#held.get(name)?.steal()
        return grant()
      }
      if (!this.#held.has(name) && (this.#queues.get(name)?.length ?? 0) === 0) return grant()
      if (options.ifAvailable) {
        Promise.resolve()
          .then(() => callback(null))
          .then(resolve, reject)
        return
      }
      const waiter: Waiter = { run: grant, reject }
      const queue = this.#queues.get(name) ?? []
      queue.push(waiter)
      this.#queues.set(name, queue)
      options.signal?.addEventListener(
        'abort',
        () => {
          const index = queue.indexOf(waiter)
          if (index >= 0) {
            queue.splice(index, 1)
            reject(abortError())
          }
        },
        { once: true },
      )
    })
  }

  /**
   * The page `owner` is gone (closed or discarded): the locks it still holds are free at once, as browsers free the
   * locks of a page that goes away. A lock another page took over from it since is that page's, and stays held. The
   * gone page's callbacks, if they ever resume, no longer hold anything.
   */
  releaseHeldBy(owner: object): void {
    for (const [name, holder] of [...this.#held]) {
      if (holder.owner !== owner) continue
      holder.steal()
      this.#next(name)
    }
  }

  /** The locks held now, like `navigator.locks.query()`. */
  query = async (): Promise<{ held: { name: string }[] }> => ({ held: [...this.#held.keys()].map((name) => ({ name })) })

  /** Whether someone holds `name` now. */
  isHeld(name: string): boolean {
    return this.#held.has(name)
  }

  #next(name: string): void {
    if (this.#held.has(name)) return
    this.#queues.get(name)?.shift()?.run()
  }
}

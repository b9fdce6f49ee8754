import type { ChannelPort, LockManagerPort, SendingRecordsPort, SharedMarksPort, StorageAdapter } from '@tokenlife/core'

interface Port {
  name: string
  listeners: Set<(message: unknown) => void>
}

/**
 * A BroadcastChannel between the tabs of one scripted "browser": a message is structured-cloned and delivered to
 * every other open port of the same name, after the code that posted it (as a browser queues it).
 */
export class TestChannelHub {
  readonly #ports = new Set<Port>()

  /** `environment.openChannel` for one tab. */
  readonly openChannel = (name: string): ChannelPort => {
    const port: Port = { name, listeners: new Set() }
    this.#ports.add(port)
    return {
      postMessage: (message) => {
        if (!this.#ports.has(port)) throw new DOMException('Channel is closed', 'InvalidStateError')
        for (const other of this.#ports) {
          if (other === port || other.name !== name) continue
          const copy: unknown = structuredClone(message)
          void Promise.resolve().then(() => {
            if (this.#ports.has(other)) for (const listener of [...other.listeners]) listener(copy)
          })
        }
      },
      subscribe: (listener) => {
        port.listeners.add(listener)
        return () => port.listeners.delete(listener)
      },
      close: () => void this.#ports.delete(port),
    }
  }
}

interface Waiter {
  grant: () => void
  reject: (error: unknown) => void
}

const abortError = () => new DOMException('The lock request was aborted', 'AbortError')

/** Web Locks (exclusive, `ifAvailable`, `signal`, `steal`, `query`) shared by the tabs of one scripted browser. */
export class TestLockManager implements LockManagerPort {
  readonly #held = new Map<string, { steal: () => void }>()
  readonly #queues = new Map<string, Waiter[]>()

  request<T>(name: string, options: { signal?: AbortSignal; ifAvailable?: boolean; steal?: boolean }, callback: (lock: unknown) => Promise<T> | T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (options.signal?.aborted) return reject(abortError())
      const grant = () => {
        let done = false
        const holder = {
          steal: () => {
            if (done) return
            done = true
            this.#held.delete(name)
            reject(abortError())
          },
        }
        this.#held.set(name, holder)
        const finish = (settle: () => void) => {
          if (done) return settle()
          done = true
          if (this.#held.get(name) === holder) this.#held.delete(name)
          settle()
          if (!this.#held.has(name)) this.#queues.get(name)?.shift()?.grant()
        }
        Promise.resolve()
          .then(() => callback({ name }))
          .then(
            (value) => finish(() => resolve(value)),
            (error: unknown) => finish(() => reject(error)),
          )
      }
      if (options.steal) {
        this.#held.get(name)?.steal()
        return grant()
      }
      const queue = this.#queues.get(name) ?? []
      this.#queues.set(name, queue)
      if (!this.#held.has(name) && queue.length === 0) return grant()
      if (options.ifAvailable) return void Promise.resolve().then(() => callback(null)).then(resolve, reject)
      const waiter: Waiter = { grant, reject }
      queue.push(waiter)
      options.signal?.addEventListener('abort', () => {
        const index = queue.indexOf(waiter)
        if (index >= 0) queue.splice(index, 1)
        if (index >= 0) reject(abortError())
      }, { once: true })
    })
  }

  query = async (): Promise<{ held: { name: string }[] }> => ({ held: [...this.#held.keys()].map((name) => ({ name })) })
}

/** A storage adapter whose entries every tab of the scripted browser shares (as IndexedDB is shared by an origin). */
export function sharedMemoryStorage(entries: Map<string, string>): StorageAdapter {
  return {
    name: 'test storage',
    get: (key) => entries.get(key),
    set: (key, value) => void entries.set(key, value),
    remove: (key) => void entries.delete(key),
  }
}

/** The origin's `localStorage` stand-in for tokenlife's cross-tab marks. */
export function sharedMarks(entries: Map<string, string>): SharedMarksPort {
  return {
    get: (key) => entries.get(key) ?? null,
    set: (key, value) => void entries.set(key, value),
    remove: (key) => void entries.delete(key),
  }
}

/**
 * The origin's IndexedDB stand-in for cookie mode's records of refreshes on the wire: every tab of the scripted browser
 * reads a record as soon as it is written (a commit that is never late).
 */
export function sharedSendingRecords(entries: Map<string, number>): SendingRecordsPort {
  return {
    put: async (key, at) => void entries.set(key, at),
    delete: async (key) => void entries.delete(key),
    list: async (prefix) => [...entries].filter(([key]) => key.startsWith(prefix)).map(([key, at]) => ({ key, at })),
  }
}

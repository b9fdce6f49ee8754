import type { SendingRecordsPort } from '@tokenlife/core'
import type { FakeEnvironment } from './fakeEnvironment'

/**
 * IndexedDB as the tabs of one origin see it, for the records of refreshes on the wire (`environment.sendingRecords`):
 * a write or delete commits after a delay on the writing tab's clock (a frozen tab's commit waits; a page that goes
 * away first never commits), and from then on every tab reads it. A read sees what was committed when it began and
 * answers a turn of the reading tab's clock later.
 */
export class SharedSendingRecords {
  /** What every tab reads now. */
  readonly committed = new Map<string, number>()
  readonly #delay: () => number
  readonly #beforeCommit: () => void

  /** `beforeCommit` runs as a write is about to commit, after its delay (a hazard may strike there: a device sleep). */
  constructor(delay: () => number, beforeCommit: () => void = () => {}) {
    this.#delay = delay
    this.#beforeCommit = beforeCommit
  }

  /** The port of one tab. */
  portFor(env: FakeEnvironment): SendingRecordsPort {
    const later = <T>(work: () => T, ms: number) => new Promise<T>((resolve) => env.setTimeout(() => resolve(work()), ms))
    return {
      put: (key, at) =>
        later(() => {
          this.#beforeCommit()
          this.committed.set(key, at)
        }, this.#delay()),
      delete: (key) => later(() => void this.committed.delete(key), this.#delay()),
      list: (prefix) => {
        const seen = [...this.committed].filter(([key]) => key.startsWith(prefix)).map(([key, at]) => ({ key, at }))
        return later(() => seen, 1)
      },
    }
  }
}

import type { SharedMarksPort } from '@tokenlife/core'
import type { FakeEnvironment } from './fakeEnvironment'

/**
 * `localStorage` as tabs in different renderer processes see it: each tab reads its own copy, its writes are
 * visible to itself at once and reach every other tab after a delay (fake ms, on the receiving tab's clock). A
 * mark written just before a lock was released may not be visible yet to the tab that gets the lock next.
 */
export class DelayedSharedMarks {
  readonly #views = new Map<FakeEnvironment, Map<string, string>>()
  /** Per view and key, the sequence number of the newest write applied: a view never goes back in time. */
  readonly #applied = new Map<Map<string, string>, Map<string, number>>()
  #seq = 0
  readonly #delay: () => number
  /** The value every tab will eventually see. */
  readonly settled = new Map<string, string>()

  constructor(delay: () => number) {
    this.#delay = delay
  }

  /**
   * The port for one tab, on that tab's own view (asking again for the same tab gives the same view); a tab opened or
   * restored later starts from what has settled.
   */
  portFor(env: FakeEnvironment): SharedMarksPort {
    const view = this.#views.get(env) ?? new Map(this.settled)
    this.#views.set(env, view)
    return {
      get: (key) => view.get(key) ?? null,
      set: (key, value) => this.#write(env, key, value),
      remove: (key) => this.#write(env, key, undefined),
    }
  }

  /** A tab that closed no longer receives updates. */
  forget(env: FakeEnvironment): void {
    this.#views.delete(env)
  }

  #write(from: FakeEnvironment, key: string, value: string | undefined): void {
    const seq = ++this.#seq
    const apply = (view: Map<string, string>) => {
      const applied = this.#applied.get(view) ?? new Map<string, number>()
      this.#applied.set(view, applied)
      if ((applied.get(key) ?? 0) > seq) return
      applied.set(key, seq)
      if (value === undefined) view.delete(key)
      else view.set(key, value)
    }
    apply(this.settled)
    for (const [env, view] of this.#views) {
      if (env === from) apply(view)
      else env.setTimeout(() => apply(view), this.#delay())
    }
  }
}

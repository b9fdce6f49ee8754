import { hasTabs, type Environment } from './environment'

/**
 * Mutual exclusion for refreshes across every tab of one origin, so a rotating refresh token is never presented
 * twice. Web Locks where the browser has them; otherwise a leader election over broadcast-channel (loaded only
 * then); where neither exists (SSR, a worker without either), the tab is alone and runs directly.
 *
 * It never wedges: a holder that hangs, or whose tab froze, is waited for at most `timeoutMs`, then the lock is
 * taken over (Web Locks `steal`), with a warning.
 */
export class RefreshLock {
  readonly #env: Environment
  readonly #name: string
  readonly #timeoutMs: number

  constructor(env: Environment, namespace: string, timeoutMs: number) {
    this.#env = env
    this.#name = `tokenlife:${namespace}:refresh`
    this.#timeoutMs = timeoutMs
  }

  /** Runs `task` while holding the lock. */
  run<T>(task: () => Promise<T>): Promise<T> {
    if (this.#env.locks) return this.#runWithWebLock(task)
    if (hasTabs()) return this.#runWithElection(task)
    return task()
  }

  async #runWithWebLock<T>(task: () => Promise<T>): Promise<T> {
    const locks = this.#env.locks!
    const waiting = new AbortController()
    const timer = this.#env.setTimeout(() => waiting.abort(), this.#timeoutMs)
    try {
      return await locks.request(this.#name, { signal: waiting.signal }, () => {
        this.#env.clearTimeout(timer)
        return task()
      })
    } catch (error) {
      if (!waiting.signal.aborted || (error as { name?: unknown })?.name !== 'AbortError') throw error
      this.#env.warn(
        `another tab held the refresh lock for over ${this.#timeoutMs} ms (hung or frozen); taking it over`,
      )
      return locks.request(this.#name, { steal: true }, () => task())
    } finally {
      this.#env.clearTimeout(timer)
    }
  }

  async #runWithElection<T>(task: () => Promise<T>): Promise<T> {
    const { BroadcastChannel: ElectionChannel, createLeaderElection } = await import('broadcast-channel')
    const channel = new ElectionChannel(this.#name)
    const elector = createLeaderElection(channel)
    try {
      let timer: unknown
      const timedOut = new Promise<'timeout'>((resolve) => {
        timer = this.#env.setTimeout(() => resolve('timeout'), this.#timeoutMs)
      })
      const outcome = await Promise.race([elector.awaitLeadership().then(() => 'leader' as const), timedOut])
      this.#env.clearTimeout(timer)
      if (outcome === 'timeout') {
        this.#env.warn(`no answer from the tab holding the refresh lock for ${this.#timeoutMs} ms; taking it over`)
      }
      return await task()
    } finally {
      await elector.die().catch(() => {})
      await channel.close().catch(() => {})
    }
  }
}

import { diagnosticText } from './diagnostics/diagnostic'
import type { ChannelPort, Environment } from './ports'
import { parseTabMessage, TAB_PROTOCOL_VERSION, type SharedSession, type TabMessage } from './tabMessages'

/**
 * This tab's line to its siblings: versioned, validated messages on one channel per client id, and a bounded
 * "does anyone have a session?" query. Opens lazily and closes completely.
 */
export class TabChannel {
  /** This tab's id on the channel. */
  readonly tabId: string
  readonly #env: Environment
  readonly #namespace: string
  readonly #onMessage: (message: TabMessage & { from: string }) => void
  readonly #queries = new Map<string, { accept: (session: SharedSession) => boolean; finish: (session: SharedSession | undefined) => void }>()
  readonly #probes = new Map<string, (alive: boolean) => void>()
  #port: ChannelPort | undefined
  #unsubscribe: (() => void) | undefined

  constructor(env: Environment, namespace: string, onMessage: (message: TabMessage & { from: string }) => void) {
    this.#env = env
    this.tabId = env.randomId()
    this.#namespace = namespace
    this.#onMessage = onMessage
  }

  /**
   * Whether tokens may travel over this channel: `false` where the channel may write messages to disk (see
   * {@link ChannelPort.confidential}); then tabs share only signals.
   */
  get confidential(): boolean {
    return this.#port?.confidential !== false
  }

  /** Opens the channel (once). Where there is no channel, the tab simply works alone. */
  open(): void {
    if (this.#port) return
    try {
      this.#port = this.#env.openChannel(`tokenlife:${this.#namespace}`)
    } catch (error) {
      this.#env.warn(diagnosticText('TL304', undefined, error))
    }
    this.#unsubscribe = this.#port?.subscribe((raw) => this.#receive(raw))
  }

  /** Tells every other tab. Never throws: a tab that cannot talk still works alone. */
  post(message: TabMessage): void {
    if (!this.#port) return
    try {
      const sent = this.#port.postMessage({ ...message, tokenlife: TAB_PROTOCOL_VERSION, namespace: this.#namespace, from: this.tabId })
      if (sent instanceof Promise) sent.catch(() => {})
    } catch (error) {
      this.#env.warn(diagnosticText('TL305', undefined, error))
    }
  }

  /**
   * Asks the other tabs for their session; resolves with the first answer that `accept` takes, or `undefined`
   * after `timeoutMs` (answers it does not take are ignored: a sibling that has not heard the news yet answers too).
   */
  query(timeoutMs: number, accept: (session: SharedSession) => boolean): Promise<SharedSession | undefined> {
    if (!this.#port) return Promise.resolve(undefined)
    const id = this.#env.randomId()
    return new Promise((resolve) => {
      const finish = (session: SharedSession | undefined) => {
        this.#env.clearTimeout(timer)
        this.#queries.delete(id)
        resolve(session)
      }
      const timer = this.#env.setTimeout(() => finish(undefined), timeoutMs)
      this.#queries.set(id, { accept, finish })
      this.post({ type: 'query', id })
    })
  }

  /** Asks whether some tab holds the refresh lock and is alive: `true` on its answer within `timeoutMs`. */
  probeHolder(timeoutMs: number): Promise<boolean> {
    if (!this.#port) return Promise.resolve(false)
    const id = this.#env.randomId()
    return new Promise((resolve) => {
      const finish = (alive: boolean) => {
        this.#env.clearTimeout(timer)
        this.#probes.delete(id)
        resolve(alive)
      }
      const timer = this.#env.setTimeout(() => finish(false), timeoutMs)
      this.#probes.set(id, finish)
      this.post({ type: 'holder?', id })
    })
  }

  /** Closes the channel and answers every pending query with `undefined`. */
  close(): void {
    this.#unsubscribe?.()
    this.#unsubscribe = undefined
    const port = this.#port
    this.#port = undefined
    try {
      const closed = port?.close()
      if (closed instanceof Promise) closed.catch(() => {})
    } catch {
      // Already closed.
    }
    for (const { finish } of [...this.#queries.values()]) finish(undefined)
    for (const finish of [...this.#probes.values()]) finish(false)
  }

  #receive(raw: unknown): void {
    const message = parseTabMessage(raw, this.#namespace, this.tabId)
    if (!message) return
    if (message.type === 'holding') {
      this.#probes.get(message.id)?.(true)
      return
    }
    if (message.type === 'answer') {
      const query = this.#queries.get(message.id)
      if (query?.accept(message.session)) query.finish(message.session)
      return
    }
    this.#onMessage(message)
  }
}

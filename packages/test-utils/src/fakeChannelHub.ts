import type { ChannelPort } from '@tokenlife/core'
import type { FakeEnvironment } from './fakeEnvironment'

interface Endpoint {
  name: string
  listeners: Set<(message: unknown) => void>
  tab: FakeTabLink
}

/** One simulated tab's connection to the hub. */
export interface FakeTabLink {
  /** Pass as `environment.openChannel`. */
  openChannel: (name: string) => ChannelPort
  /** A sleeping tab misses every message sent meanwhile. */
  asleep: boolean
  /** The tab's environment, when the hub delivers on fake time (see {@link FakeChannelHubOptions.delay}). */
  env?: FakeEnvironment
}

/** Options for {@link FakeChannelHub}. */
export interface FakeChannelHubOptions {
  /**
   * Deliver each message to each receiver after its own delay (fake ms, on the receiver's clock, so a frozen tab
   * gets its messages when it thaws): messages arrive late and out of order, as between real browser processes.
   * Needs every link connected with its tab's environment. Default: a macrotask later, in order.
   */
  delay?: () => number
}

/**
 * A simulated BroadcastChannel for many tabs in one process: messages are structured-cloned and delivered
 * asynchronously (a macrotask later, as in browsers) to every other open port of the same name.
 */
export class FakeChannelHub {
  #endpoints = new Set<Endpoint>()
  readonly #delay: (() => number) | undefined
  /** Every message posted, in order (for assertions). */
  readonly posted: unknown[] = []

  constructor(options: FakeChannelHubOptions = {}) {
    this.#delay = options.delay
  }

  /** A link for one new tab; pass its environment when the hub has a `delay`. */
  connect(env?: FakeEnvironment): FakeTabLink {
    const tab: FakeTabLink = {
      asleep: false,
      ...(env === undefined ? {} : { env }),
      openChannel: (name) => {
        const endpoint: Endpoint = { name, listeners: new Set(), tab }
        this.#endpoints.add(endpoint)
        return {
          postMessage: (message) => this.#post(endpoint, message),
          subscribe: (listener) => {
            endpoint.listeners.add(listener)
            return () => endpoint.listeners.delete(listener)
          },
          close: () => {
            this.#endpoints.delete(endpoint)
          },
        }
      },
    }
    return tab
  }

  /** Sends a raw message (e.g. garbage from another app) to every port of `name`. */
  inject(name: string, message: unknown): void {
    this.#post(undefined, message, name)
  }

  /** Open ports (a destroyed client closes its own). */
  get openPorts(): number {
    return this.#endpoints.size
  }

  #post(from: Endpoint | undefined, message: unknown, name = from?.name): void {
    if (!this.#endpoints.has(from as Endpoint) && from) throw new DOMException('Channel is closed', 'InvalidStateError')
    this.posted.push(message)
    const copy = structuredClone(message)
    for (const endpoint of this.#endpoints) {
      if (endpoint === from || endpoint.name !== name || endpoint.tab.asleep) continue
      const deliver = () => {
        if (!this.#endpoints.has(endpoint)) return
        for (const listener of [...endpoint.listeners]) listener(copy)
      }
      const env = endpoint.tab.env
      if (this.#delay && env) env.setTimeout(deliver, this.#delay())
      else setImmediate(deliver)
    }
  }
}

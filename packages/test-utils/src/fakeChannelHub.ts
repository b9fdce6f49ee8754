import type { ChannelPort } from '@tokenlife/core'

interface Endpoint {
  name: string
  listeners: Set<(message: unknown) => void>
  tab: FakeTabLink
}

/** One simulated tab's connection to the hub. */
export interface FakeTabLink {
  /** Pass as `environment.openChannel`. */
  openChannel: (name: string) => ChannelPort
  /** A sleeping (frozen) tab misses every message sent meanwhile. */
  asleep: boolean
}

/**
 * A simulated BroadcastChannel for many tabs in one process: messages are structured-cloned and delivered
 * asynchronously (a macrotask later, as in browsers) to every other open port of the same name.
 */
export class FakeChannelHub {
  #endpoints = new Set<Endpoint>()
  /** Every message posted, in order (for assertions). */
  readonly posted: unknown[] = []

  /** A link for one new tab. */
  connect(): FakeTabLink {
    const tab: FakeTabLink = {
      asleep: false,
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
      setImmediate(() => {
        if (!this.#endpoints.has(endpoint)) return
        for (const listener of [...endpoint.listeners]) listener(copy)
      })
    }
  }
}

/** One channel the broadcast-channel library opened over a {@link FakeElectionHub} link. */
interface ChannelState {
  name: string
  link: FakeElectionLink
  callback: ((message: unknown) => void) | null
}

/**
 * A broadcast-channel transport (what the library calls a method), shaped as the library's `BroadcastMethod`:
 * pass it as the channel option `methods`. The library runs on it unchanged, elections included.
 */
export interface FakeBroadcastMethod {
  /** The transport's name, `'fake-election-hub'`. */
  type: string
  /** The clock the library stamps messages and listeners with. */
  microSeconds(): number
  /** Opens a channel on this link. */
  create(name: string): ChannelState
  /** Closes a channel: it sends and hears nothing more. */
  close(state: ChannelState): void
  /** Sets (or, with `null`, removes) the channel's one receiver. */
  onMessage(state: ChannelState, callback: ((message: unknown) => void) | null): void
  /** Sends to every other open channel of the same name, a macrotask later. */
  postMessage(state: ChannelState, message: unknown): Promise<void>
  /** Always `true`. */
  canBeUsed(): boolean
  /** 10 ms: the library's default election `responseTime` over this transport. */
  averageResponseTime(): number
}

/** One simulated tab's transport; see {@link FakeElectionHub.connect}. */
export interface FakeElectionLink {
  /** Channel options that make broadcast-channel talk over this link: `{ methods: [method] }`. */
  readonly channel: { methods: FakeBroadcastMethod[] }
  /**
   * The tab dies without a word (a crash, a killed process): nothing it sends is delivered from now on, and it
   * hears nothing. Unlike a tab that closes, it sends no goodbye, so its siblings must notice the silence.
   */
  crash(): void
  /** The tab stops running (frozen, suspended): messages to and from it wait until {@link FakeElectionLink.thaw}. */
  freeze(): void
  /** The tab runs again: what was held back is delivered, in order. */
  thaw(): void
}

let lastMicros = 0
/** A strictly increasing clock in microseconds, shared by every link: the library orders messages by it. */
const microSeconds = () => (lastMicros = Math.max(lastMicros + 1, Math.floor(performance.now() * 1000)))

/**
 * An in-memory transport for the broadcast-channel library, for tests of what runs over it (the leader-election
 * lock). Tabs in one process connect to one hub, and each tab gets its own link. A message goes a macrotask later
 * to every other open channel of the same name. A link can crash, or freeze and thaw. The library keeps its own
 * timers (real ones), so a test over it lets real time pass.
 *
 * @example
 * ```ts
 * const hub = new FakeElectionHub()
 * const tab = hub.connect()
 * const locks = createElectionLocks({ channel: tab.channel, election: { responseTime: 10, fallbackInterval: 50 } })
 * ```
 */
export class FakeElectionHub {
  readonly #states = new Set<ChannelState>()
  readonly #links = new Map<FakeElectionLink, { crashed: boolean; frozen: boolean; held: (() => void)[] }>()
  /** Number of messages delivered so far (to every receiver). */
  delivered = 0

  /** A transport for one new tab. */
  connect(): FakeElectionLink {
    const tab = { crashed: false, frozen: false, held: [] as (() => void)[] }
    const link: FakeElectionLink = {
      channel: { methods: [] },
      crash: () => {
        tab.crashed = true
        tab.held.length = 0
        for (const state of [...this.#states]) if (state.link === link) this.#states.delete(state)
      },
      freeze: () => {
        tab.frozen = true
      },
      thaw: () => {
        tab.frozen = false
        for (const deliver of tab.held.splice(0)) deliver()
      },
    }
    this.#links.set(link, tab)
    link.channel.methods.push({
      type: 'fake-election-hub',
      microSeconds,
      create: (name) => {
        const state: ChannelState = { name, link, callback: null }
        if (!tab.crashed) this.#states.add(state)
        return state
      },
      close: (state) => void this.#states.delete(state),
      onMessage: (state, callback) => {
        state.callback = callback
      },
      postMessage: (from, message) =>
        new Promise<void>((resolve) => {
          setImmediate(() => {
            const send = () => this.#send(from, message)
            if (tab.crashed) return resolve()
            if (tab.frozen) tab.held.push(send)
            else send()
            resolve()
          })
        }),
      canBeUsed: () => true,
      averageResponseTime: () => 10,
    })
    return link
  }

  #send(from: ChannelState, message: unknown): void {
    for (const to of [...this.#states]) {
      if (to === from || to.name !== from.name) continue
      const deliver = () => {
        if (!this.#states.has(to)) return
        this.delivered++
        to.callback?.(structuredClone(message))
      }
      const receiver = this.#links.get(to.link)
      if (receiver?.frozen) receiver.held.push(deliver)
      else deliver()
    }
  }
}

import type { Environment, WakeCause } from '@tokenlife/core'
import { networkFailure } from '../server/answers'
import { sharedMarks, sharedSendingRecords, TestChannelHub, TestLockManager } from './testBrowser'
import type { TestClock } from './testClock'

/** A server the scripted browser's requests may go to instead of the network (a mock server, a mock provider). */
export interface RoutedServer {
  /** Whether `request` is for one of its endpoints. */
  matches(request: Request): boolean
  /** Its answer (rejects as `fetch` does when none arrives); `signal` is the sender's. */
  handle(request: Request, signal?: AbortSignal): Promise<Response>
}

/** The page the scripted client runs in: the real one under jsdom or happy-dom, `http://localhost/` elsewhere. */
export function defaultPageUrl(): string {
  const href = (globalThis as { location?: { href?: unknown } }).location?.href
  return typeof href === 'string' && /^https?:/.test(href) ? href : 'http://localhost/'
}

/**
 * What the tabs of one scripted browser share: the clock, the network (routed to the mock servers; everything else
 * goes to the global `fetch`, where your msw handlers answer), whether the device is online, the channel, the locks,
 * the origin's storage and marks.
 */
export class TestBrowser {
  online = true
  readonly hub = new TestChannelHub()
  readonly locks = new TestLockManager()
  /** The origin's storage (what IndexedDB would hold for tokenlife in storage mode). */
  readonly storage = new Map<string, string>()
  readonly marks = new Map<string, string>()
  /** Cookie mode's records of refreshes on the wire (what IndexedDB would hold), by key: when each left. */
  readonly sendingRecords = new Map<string, number>()
  /** Messages tokenlife passed to `environment.warn` and `environment.error`, in order. */
  readonly warnings: string[] = []
  readonly errors: string[] = []
  #ids = 0

  constructor(
    readonly clock: TestClock,
    readonly servers: RoutedServer[],
    readonly pageUrl: string,
  ) {}

  /** `fetch` as a page of this browser sees it. */
  readonly fetch: typeof fetch = async (input, init) => {
    const request = new Request(input, init)
    if (!this.online) throw networkFailure(request.url)
    const server = this.servers.find((candidate) => candidate.matches(request))
    if (!server) return globalThis.fetch(input, init)
    // The caller's own signal: Node's Request may stop following it once its internal controller is collected.
    const signal = init?.signal ?? undefined
    signal?.throwIfAborted()
    const aborted = new Promise<never>((_, reject) => {
      signal?.addEventListener('abort', () => reject(signal.reason), { once: true })
    })
    aborted.catch(() => {})
    return Promise.race([server.handle(request, signal), aborted])
  }

  /** The environment of one new tab, a way to wake it up, and a way to act in it as the user does. */
  openTab(): { environment: Environment; wake(cause: WakeCause): void; activity(): void } {
    const listeners = new Set<(cause: WakeCause) => void>()
    const activityListeners = new Set<() => void>()
    const environment: Environment = {
      now: this.clock.now,
      random: () => 0,
      randomId: () => `test-${(++this.#ids).toString(36)}`,
      setTimeout: this.clock.setTimeout,
      clearTimeout: this.clock.clearTimeout,
      fetch: this.fetch,
      isOnline: () => this.online,
      onWake: (listener) => {
        listeners.add(listener)
        return () => listeners.delete(listener)
      },
      onActivity: (listener) => {
        activityListeners.add(listener)
        return () => activityListeners.delete(listener)
      },
      locks: this.locks,
      openChannel: this.hub.openChannel,
      sharedMarks: sharedMarks(this.marks),
      sendingRecords: sharedSendingRecords(this.sendingRecords),
      pageUrl: () => this.pageUrl,
      baseUrl: () => this.pageUrl,
      warn: (message) => void this.warnings.push(message),
      error: (message) => void this.errors.push(message),
    }
    return {
      environment,
      wake: (cause) => [...listeners].forEach((listener) => listener(cause)),
      activity: () => [...activityListeners].forEach((listener) => listener()),
    }
  }
}

import type { FakeEnvironment } from './fakeEnvironment'

/** A server as the simulated network sees it: one function from request to response. */
export interface SimServer {
  handle(request: Request): Promise<Response>
}

/** Options for {@link SimNetwork}. */
export interface SimNetworkOptions {
  /** One-way latency of each leg (request, response), fake ms. Called once per leg. Default 5 ms. */
  latency?: () => number
}

/**
 * The network and cookie jar of one simulated browser, on fake time: a request reaches the server after a latency,
 * the server acts at once, and the answer travels back on the *sending tab's* clock (a frozen tab receives it when
 * it thaws). The browser's cookie jar (`rt`, shared by every tab) changes only when a response is received, as in a
 * browser: an aborted request or a lost response leaves the old cookie although the server already rotated.
 *
 * Use with a fake auth server created with `cookies: 'headers'`.
 */
export class SimNetwork {
  readonly #server: SimServer
  readonly #clock: FakeEnvironment
  readonly #latency: () => number
  #cookie: string | undefined
  #lose = 0
  /** Requests whose answer was lost after the server acted (see {@link SimNetwork.loseNextResponses}). */
  readonly lost: { url: string; at: number; refreshToken: string | undefined }[] = []
  /** For every access token the server issued: when the request that obtained it left its tab, and which tab. */
  readonly requestedAt = new Map<string, { at: number; tab: string }>()
  /** Requests on the wire, by tab, until their answer is delivered. */
  readonly #inFlight = new Map<string, Set<InFlight>>()
  /** Keepalive requests whose tab went away, until their answer reaches the browser. */
  readonly #orphans = new Set<InFlight>()
  /** Requests aborted by their sender after they left (the server may have acted on them). */
  readonly abortedInFlight: { url: string; at: number }[] = []

  /** `clock` runs the server side (never frozen); each tab's own environment runs its side. */
  constructor(server: SimServer, clock: FakeEnvironment, options: SimNetworkOptions = {}) {
    this.#server = server
    this.#clock = clock
    this.#latency = options.latency ?? (() => 5)
  }

  /** The refresh-token cookie the browser holds now. */
  get cookie(): string | undefined {
    return this.#cookie
  }

  /** How many requests of tab `tabId` are on the wire now (sent, their answer not yet delivered to the tab). */
  inFlightFrom(tabId: string): number {
    return this.#inFlight.get(tabId)?.size ?? 0
  }

  /** The next `count` responses are lost on the way back: the server acts, the tab sees a network error. */
  loseNextResponses(count = 1): void {
    this.#lose += count
  }

  /**
   * The tab went away (closed, discarded) with requests on the wire. A plain request is cancelled with the page: its
   * answer is never received (cookie and all), so it counts as lost. A `keepalive` request outlives the page, as in
   * a browser: its answer is still received and its `Set-Cookie` applied to the jar; only its body, which no page
   * reads any more, is lost (counted as lost only if it carried a refresh token in the body: storage mode).
   */
  dropTab(tabId: string): void {
    for (const request of this.#inFlight.get(tabId) ?? []) {
      request.dropped = true
      if (request.keepalive) this.#orphans.add(request)
      // An answer already on its way back still arrives when it would have.
      if (request.keepalive && request.answered) {
        const { setCookie } = request
        this.#clock.setTimeout(() => this.#arrived(request, setCookie ?? null), Math.max(0, (request.arrivesAt ?? 0) - this.#clock.now()))
      }
      if (!request.keepalive || request.inBody || request.sleptThrough) {
        this.lost.push({ url: request.url, at: this.#clock.now(), refreshToken: request.refreshToken })
      }
    }
    this.#inFlight.delete(tabId)
  }

  /** `fetch` for one tab: requests carry `x-test-tab: tabId` and the browser's cookie. */
  fetchFor(tab: FakeEnvironment, tabId: string): typeof fetch {
    return (input, init) =>
      new Promise<Response>((resolve, reject) => {
        const request = new Request(input, init)
        const signal = init?.signal ?? undefined
        if (signal?.aborted) return reject(signal.reason)
        const headers = new Headers(request.headers)
        headers.set('x-test-tab', tabId)
        if (this.#cookie !== undefined) headers.set('Cookie', `rt=${this.#cookie}`)
        let settled = false
        let left = false
        const onAbort = () => {
          if (settled) return
          settled = true
          if (left) this.abortedInFlight.push({ url: request.url, at: this.#clock.now() })
          reject(signal!.reason)
        }
        signal?.addEventListener('abort', onAbort, { once: true })
        const body = request.method === 'GET' || request.method === 'HEAD' ? undefined : request.arrayBuffer()
        void Promise.resolve(body).then((bytes) => {
          const outgoing = new Request(request.url, { method: request.method, headers, body: bytes })
          left = true
          const sentAt = this.#clock.now()
          const pending: InFlight = {
            url: request.url,
            refreshToken: cookieOrBodyToken(headers, bytes),
            inBody: bodyToken(bytes) !== undefined,
            keepalive: request.keepalive,
            dropped: false,
            answered: false,
          }
          const tabRequests = this.#inFlight.get(tabId) ?? new Set()
          tabRequests.add(pending)
          this.#inFlight.set(tabId, tabRequests)
          this.#clock.setTimeout(() => {
            const refreshToken = pending.refreshToken
            void this.#server.handle(outgoing).then(async (response) => {
              const lost = this.#lose > 0
              if (lost) {
                this.#lose--
                this.lost.push({ url: request.url, at: this.#clock.now(), refreshToken })
              }
              const setCookie = response.headers.get('Set-Cookie')
              const headers = new Headers(response.headers)
              headers.delete('Set-Cookie')
              const bytes = await response.arrayBuffer()
              if (pending.dropped) {
                // The page is gone; a keepalive request's answer still reaches the browser's cookie jar.
                if (pending.keepalive && !lost) this.#clock.setTimeout(() => this.#arrived(pending, setCookie), this.#latency())
                else this.#orphans.delete(pending)
                return
              }
              const latency = this.#latency()
              pending.answered = !lost
              pending.setCookie = setCookie
              pending.arrivesAt = this.#clock.now() + latency
              const issued = accessTokenIn(bytes)
              if (issued !== undefined) this.requestedAt.set(issued, { at: sentAt, tab: tabId })
              const buffered = new Response(bytes, {
                status: response.status,
                statusText: response.statusText,
                headers,
              })
              tab.setTimeout(() => {
                tabRequests.delete(pending)
                if (settled || pending.dropped) return
                settled = true
                signal?.removeEventListener('abort', onAbort)
                if (lost) return reject(new TypeError('Failed to fetch'))
                this.#applyCookie(setCookie)
                resolve(buffered)
              }, latency)
            })
          }, this.#latency())
        })
      })
  }

  /**
   * The device slept: the answers of requests whose page went away, still on their way, are counted as lost, and so
   * will be those of requests on the wire now whose page goes before they are answered. Their keepalive request may
   * still be answered, but nothing bounds when: a page that waits for it (`requestTimeoutMs` after it left, on the
   * wall clock) may have waited long enough by the time the device wakes.
   */
  sleptOverOrphans(): void {
    for (const requests of this.#inFlight.values()) for (const request of requests) request.sleptThrough = true
    for (const request of this.#orphans) {
      if (request.lostToSleep) continue
      request.lostToSleep = true
      this.lost.push({ url: request.url, at: this.#clock.now(), refreshToken: request.refreshToken })
    }
  }

  /** An orphaned keepalive request's answer reached the browser: its cookie is applied. */
  #arrived(request: InFlight, setCookie: string | null): void {
    this.#orphans.delete(request)
    this.#applyCookie(setCookie)
  }

  #applyCookie(header: string | null): void {
    const match = header && /^rt=([^;]*)(.*)$/.exec(header)
    if (!match) return
    this.#cookie = match[1] === '' || /max-age=0/i.test(match[2] ?? '') ? undefined : match[1]
  }
}

function accessTokenIn(body: ArrayBuffer): string | undefined {
  try {
    const json = JSON.parse(new TextDecoder().decode(body)) as { access_token?: unknown }
    return typeof json.access_token === 'string' ? json.access_token : undefined
  } catch {
    return undefined
  }
}

/** A request on the wire, until its answer is delivered to its tab. */
interface InFlight {
  url: string
  refreshToken: string | undefined
  /** It carried its refresh token in the body (storage mode), not in the cookie. */
  inBody: boolean
  keepalive: boolean
  /** Its tab went away. */
  dropped: boolean
  /** Its answer reached the browser (it is on its way to the tab); `setCookie` is that answer's header. */
  answered: boolean
  setCookie?: string | null
  /** When that answer reaches the browser (server clock). */
  arrivesAt?: number
  /** Counted as lost: the device slept while it was an orphan (see {@link SimNetwork.sleptOverOrphans}). */
  lostToSleep?: boolean
  /** The device slept while it was on the wire. */
  sleptThrough?: boolean
}

function bodyToken(body: ArrayBuffer | undefined): string | undefined {
  const text = body === undefined ? '' : new TextDecoder().decode(body)
  return new URLSearchParams(text).get('refresh_token') ?? undefined
}

function cookieOrBodyToken(headers: Headers, body: ArrayBuffer | undefined): string | undefined {
  return bodyToken(body) ?? /rt=([^;]+)/.exec(headers.get('Cookie') ?? '')?.[1]
}

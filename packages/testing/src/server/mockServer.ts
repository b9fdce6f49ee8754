import { http, HttpResponse, type HttpHandler } from 'msw'
import { failureAnswer, networkFailure, type MockFailure } from './answers'
import { Switchboard, type FailureOptions, type HeldAnswer } from './switches'

/** One request a mock server received, for assertions. */
export interface MockRequestRecord<Endpoint extends string = string> {
  /** Which endpoint. */
  readonly endpoint: Endpoint
  /** The request's method. */
  readonly method: string
  /** Server time it arrived, epoch ms. */
  readonly at: number
  /** The answer's status; `0` when none arrived (`network-error`, `lost-answer`). */
  status: number
  /**
   * What the server did: `rotated`, `retried` (within the retry window), `reuse`, `revoked`, `version_changed`,
   * `expired`, `unknown`, `no-refresh-token`, `signed-in`, `refused`, `logged-out`, `logged-out-everywhere`,
   * `nothing-to-revoke`, `password-changed`, `code-exchanged`, or `failed:<failure>` when a test made it fail.
   */
  outcome: string
}

/** An endpoint as msw matches it. */
export interface MockRoute<Endpoint extends string> {
  /** The endpoint's name. */
  endpoint: Endpoint
  /** The method it answers. */
  method: 'GET' | 'POST'
  /** The path (the server's origin, if it has one, is put in front). */
  path: string
}

/**
 * What every mock server of the kit shares: its msw handlers, answering a `Request` without msw, the request log,
 * and the switches that make the next refreshes fail, slow down or wait, or every request fail (an outage).
 */
export abstract class MockServer<Endpoint extends string> implements Iterable<HttpHandler> {
  /** Every request it received, oldest first. */
  readonly requests: MockRequestRecord<Endpoint>[] = []
  readonly #switches = new Switchboard()
  #handlers: HttpHandler[] | undefined

  /** The msw request handlers, one per endpoint. */
  get handlers(): readonly HttpHandler[] {
    this.#handlers ??= this.routes().map(({ endpoint, method, path }) =>
      (method === 'GET' ? http.get : http.post)(`${this.origin ?? '*'}${path}`, async ({ request }) => {
        if (this.route(request)?.endpoint !== endpoint) return undefined
        try {
          return await this.handle(request)
        } catch {
          return HttpResponse.error()
        }
      }),
    )
    return this.#handlers
  }

  /** Its msw handlers, for `setupServer(...server)` and `setupWorker(...server)`. */
  [Symbol.iterator](): Iterator<HttpHandler> {
    return this.handlers[Symbol.iterator]()
  }

  /** The origin it answers on, or `undefined` for any. */
  abstract get origin(): string | undefined

  /** Whether `request` is for one of its endpoints (method, origin and path). */
  matches(request: Request): boolean {
    return this.route(request) !== undefined
  }

  /**
   * Answers `request` as the server would. Rejects with a `TypeError` (as `fetch` does) when no answer arrives: a
   * `network-error` or `lost-answer` failure, or an outage of that kind. `signal` is the sender's (default: the
   * request's own): an answer to a request aborted meanwhile never reaches the browser's cookie jar.
   */
  async handle(request: Request, signal: AbortSignal | undefined = request.signal): Promise<Response> {
    const route = this.route(request)
    if (route === undefined) return new Response(null, { status: 404 })
    this.sending(request)
    const record: MockRequestRecord<Endpoint> = { endpoint: route.endpoint, method: request.method, at: this.now(), status: 0, outcome: '' }
    this.requests.push(record)
    const met = await this.#switches.meet(await this.isRefresh(route.endpoint, request), (ms) => this.wait(ms))
    if (met && met.failure !== 'lost-answer') {
      record.outcome = `failed:${met.failure}`
      const answer = failureAnswer(met.failure, this.now(), met.retryAfterSeconds)
      if (!answer) throw networkFailure(request.url)
      record.status = answer.status
      return answer
    }
    const response = await this.answer(route.endpoint, request, (outcome) => void (record.outcome = outcome))
    if (met) {
      record.outcome = `failed:lost-answer (${record.outcome})`
      throw networkFailure(request.url)
    }
    record.status = response.status
    if (!signal?.aborted) this.received(request, response)
    return response
  }

  /** How many requests reached `endpoint` (with this `outcome`, when given). */
  count(endpoint: Endpoint, outcome?: string): number {
    return this.requests.filter((record) => record.endpoint === endpoint && (outcome === undefined || record.outcome === outcome)).length
  }

  /** The next refresh (or the next `times`) fails with `failure`; the session's tokens stay as they are. */
  failNextRefresh(failure: MockFailure, options?: FailureOptions): void {
    this.#switches.failNext(failure, options)
  }

  /** The next refresh is answered `ms` later (on the server's clock: the scripted client's fake one, or real time). */
  delayNextRefresh(ms: number): void {
    this.#switches.delayNext(ms)
  }

  /** The next refresh waits until the test releases it (or fails it): a refresh on the wire, for as long as needed. */
  holdNextRefresh(): HeldAnswer {
    return this.#switches.holdNext()
  }

  /** Every request fails with `failure` until {@link MockServer.goUp}: an outage. Default `'unavailable'`. */
  goDown(failure: MockFailure = 'unavailable', options?: Pick<FailureOptions, 'retryAfterSeconds'>): void {
    this.#switches.goDown(failure, options)
  }

  /** Ends an outage. */
  goUp(): void {
    this.#switches.goUp()
  }

  /** Clears the switches and the request log (a subclass's `reset()` forgets its sessions too). */
  protected resetSwitches(): void {
    this.#switches.reset()
    this.requests.length = 0
  }

  /** The server's clock, epoch ms. */
  protected abstract now(): number
  /** Waits `ms` on the server's clock. */
  protected abstract wait(ms: number): Promise<void>
  /** Its endpoints. */
  protected abstract routes(): MockRoute<Endpoint>[]
  /** Which endpoint `request` is for (method, origin, exact path). */
  protected abstract route(request: Request): MockRoute<Endpoint> | undefined
  /** Whether the request is a refresh (the switches' `…NextRefresh` apply to refreshes only). */
  protected abstract isRefresh(endpoint: Endpoint, request: Request): boolean | Promise<boolean>
  /** The normal answer; `note` records what the server did. */
  protected abstract answer(endpoint: Endpoint, request: Request, note: (outcome: string) => void): Promise<Response>
  /** A request arrived (before anything is awaited). */
  protected sending(_request: Request): void {}
  /** Its answer reached the browser (not for a request its sender aborted). */
  protected received(_request: Request, _response: Response): void {}
}

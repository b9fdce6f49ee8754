/** The refresh cookie's name, as the reference server names it. */
export const REFRESH_COOKIE = 'tokenlife_rt'

/**
 * The refresh cookie between a mock server and "the browser". In `'model'` mode the server keeps the jar itself and
 * models it per request as a browser does: a request carries the cookie the jar held when it was sent, and an answer
 * changes the jar only when it is received (not for a request its sender aborted meanwhile). In `'browser'` mode the
 * cookie travels in real `Cookie` / `Set-Cookie` headers.
 */
export class CookieJar {
  #jar: string | undefined
  readonly #sent = new WeakMap<Request, string | undefined>()
  readonly #pending = new WeakMap<Response, string | null>()

  constructor(
    readonly mode: 'model' | 'browser',
    readonly path: string,
  ) {}

  /** What the jar holds now (model mode). */
  get value(): string | undefined {
    return this.#jar
  }

  /** Puts a cookie in the jar directly (model mode), as a sign-in on an earlier page would have. */
  put(value: string | undefined): void {
    this.#jar = value
  }

  /** Call as a request arrives: it left with the cookie the jar holds now. */
  sending(request: Request): void {
    if (this.mode === 'model') this.#sent.set(request, this.#jar)
  }

  /** The refresh cookie `request` carried. */
  sent(request: Request): string | undefined {
    if (this.mode === 'model') return this.#sent.get(request)
    const header = request.headers.get('Cookie') ?? ''
    return new RegExp(`(?:^|;\\s*)${REFRESH_COOKIE}=([^;]+)`).exec(header)?.[1]
  }

  /** Answers `response` with a new refresh cookie (`undefined` clears it), living `maxAgeSeconds`. */
  set(response: Response, value: string | undefined, maxAgeSeconds: number): Response {
    if (this.mode === 'model') {
      this.#pending.set(response, value ?? null)
      return response
    }
    const attributes = `Path=${this.path}; HttpOnly; SameSite=Strict; Max-Age=${value === undefined ? 0 : Math.floor(maxAgeSeconds)}`
    response.headers.append('Set-Cookie', `${REFRESH_COOKIE}=${value ?? ''}; ${attributes}`)
    return response
  }

  /** Call as the answer reaches the browser (not for an aborted request): model mode applies its cookie. */
  received(response: Response): void {
    if (this.mode !== 'model' || !this.#pending.has(response)) return
    this.#jar = this.#pending.get(response) ?? undefined
  }
}

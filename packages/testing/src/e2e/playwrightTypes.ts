// The parts of Playwright's API the E2E helpers use, by shape: the kit does not depend on Playwright, and a
// `Page` or `BrowserContext` of any recent version fits.

/** A request as Playwright's router sees it. */
export interface PlaywrightRequest {
  url(): string
  method(): string
  allHeaders(): Promise<Record<string, string>>
  postDataBuffer(): Uint8Array | null
}

/** A routed request (`page.route(url, (route) => …)`). */
export interface PlaywrightRoute {
  request(): PlaywrightRequest
  fulfill(response: { status?: number; headers?: Record<string, string>; body?: string; contentType?: string }): Promise<unknown>
  fallback(): Promise<unknown>
  abort(errorCode?: string): Promise<unknown>
}

/** What can route requests: a Playwright `Page` or `BrowserContext`. */
export interface PlaywrightRouteTarget {
  route(url: string, handler: (route: PlaywrightRoute) => unknown): Promise<unknown>
  unroute(url: string, handler?: (route: PlaywrightRoute) => unknown): Promise<unknown>
}

/** A Playwright `Page`, as far as signing in needs one. */
export interface PlaywrightPage extends PlaywrightRouteTarget {
  goto(url: string): Promise<unknown>
  addScriptTag(options: { content: string }): Promise<unknown>
  evaluate<R, A>(pageFunction: (arg: A) => R | Promise<R>, arg: A): Promise<R>
}

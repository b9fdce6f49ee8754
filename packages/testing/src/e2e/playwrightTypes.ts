// The parts of Playwright's API the E2E helpers use, by shape: the kit does not depend on Playwright, and a
// `Page` or `BrowserContext` of any recent version fits.

/** A request as Playwright's router sees it. */
export interface PlaywrightRequest {
  /** The request's URL. */
  url(): string
  /** Its method. */
  method(): string
  /** Every header, cookies included. */
  allHeaders(): Promise<Record<string, string>>
  /** Its body, if it has one. */
  postDataBuffer(): Uint8Array | null
}

/** A routed request (`page.route(url, (route) => …)`). */
export interface PlaywrightRoute {
  /** The request. */
  request(): PlaywrightRequest
  /** Answers it. */
  fulfill(response: { status?: number; headers?: Record<string, string>; body?: string; contentType?: string }): Promise<unknown>
  /** Lets the next route (or the network) have it. */
  fallback(): Promise<unknown>
  /** Fails it, as a network error. */
  abort(errorCode?: string): Promise<unknown>
}

/** What can route requests: a Playwright `Page` or `BrowserContext`. */
export interface PlaywrightRouteTarget {
  /** Routes the requests matching `url` to `handler`. */
  route(url: string, handler: (route: PlaywrightRoute) => unknown): Promise<unknown>
  /** Removes a route. */
  unroute(url: string, handler?: (route: PlaywrightRoute) => unknown): Promise<unknown>
}

/** A Playwright `Page`, as far as signing in needs one. */
export interface PlaywrightPage extends PlaywrightRouteTarget {
  /** Opens `url`. */
  goto(url: string): Promise<unknown>
  /** Runs a script in the page. */
  addScriptTag(options: { content: string }): Promise<unknown>
  /** Runs `pageFunction` in the page with `arg`. */
  evaluate<R, A>(pageFunction: (arg: A) => R | Promise<R>, arg: A): Promise<R>
}

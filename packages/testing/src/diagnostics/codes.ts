import type { DiagnosticTable } from '@tokenlife/core'

/**
 * Every error `@tokenlife/testing` raises (TL8xx). The development build's messages and the troubleshooting page are
 * made from it; the production build does not carry it.
 */
export const diagnostics = {
  TL801: {
    kind: 'error',
    raises: 'TypeError',
    title: 'An option of `tokenlifeHandlers()` (a mock server) is not valid',
    message: (option?: string, expected?: unknown, got?: unknown) =>
      `tokenlife: tokenlifeHandlers() option \`${option}\` must be ${String(expected)}, got ${String(got)}`,
    meaning: 'The mock server was not created, or a switch (`setAccessTokenTtl`, `delayNextRefresh`, `failNextRefresh`) was not changed.',
    cause: 'A misspelt option, a duration in milliseconds where seconds are expected (or the reverse), or an endpoint that is not a path.',
    fix: 'Pass the options `MockAuthServerOptions` lists: durations in seconds, endpoints as paths (`/auth/refresh`) or absolute URLs.',
    production: 'kept',
  },
  TL802: {
    kind: 'error',
    raises: 'TypeError',
    title: 'An unknown failure was asked of a mock server',
    message: (_subject?: string, got?: unknown, known?: unknown) => `tokenlife: there is no mock failure ${String(got)}; use one of ${String(known)}`,
    meaning: '`failNextRefresh()` or `goDown()` did nothing.',
    cause: 'A failure name that the kit does not know (e.g. `"503"` instead of `"unavailable"`).',
    fix: 'Use one of `unavailable` (503), `rate-limited` (429), `server-error` (500), `invalid_grant`, `invalid_client`, `network-error`, `lost-answer`.',
    production: 'kept',
  },
  TL803: {
    kind: 'error',
    raises: 'TypeError',
    title: 'A mock server was asked about a user it does not have',
    message: (_subject?: string, got?: unknown) => `tokenlife: the mock server has no user with the email ${String(got)}; add them to \`users\``,
    meaning: '`signIn()`, `revokeSessions()`, `changePassword()` or `activeSessions()` named an email no user of the server has.',
    cause: 'The server was created with other `users`, or the email is misspelt.',
    fix: 'Name a user of the server, or add them to its `users` option.',
    production: 'kept',
  },
  TL804: {
    kind: 'error',
    raises: 'TypeError',
    title: 'An unknown session state was asked of a scripted client',
    message: (_subject?: string, got?: unknown, known?: unknown) => `tokenlife: there is no test session state ${String(got)}; use one of ${String(known)}`,
    meaning: 'The scripted client (or the test provider) was not created, or did not change state.',
    cause: 'A state name the kit does not know, such as a status (`"authenticated"`) instead of a state (`"signed-in"`).',
    fix: 'Use one of `signed-in`, `signed-out`, `loading`, `loading-offline`, `misconfigured`, `offline`, `unavailable`, `revoked`, `logged-out`.',
    production: 'kept',
  },
  TL805: {
    kind: 'error',
    raises: 'Error',
    title: 'A started scripted client cannot go back to a state only a page load has',
    message: (state?: string, now?: unknown) =>
      `tokenlife: setState("${state}") on a client that has started (it is ${String(now)}): "${state}" is how a page load begins, and a started client never returns to it. Create a new client with { state: "${state}" }.`,
    meaning: 'The client stays as it was.',
    cause: '`signed-out` (`no_session`), `loading`, `loading-offline` and `misconfigured` are states of a client that is starting; the engine never goes back to them (a session that ends is `logged-out` or `revoked`).',
    fix: 'Create another scripted client in that state (`createTestAuthClient({ state })`), or move to `logged-out` or `revoked`.',
    production: 'kept',
  },
  TL806: {
    kind: 'error',
    raises: 'Error',
    title: 'A scripted client did not reach the state it was asked for',
    message: (state?: string, now?: unknown) =>
      `tokenlife: the scripted client could not reach "${state}": it is ${String(now)}. The client options given to the kit (a custom wireFormat, other endpoints) may not fit its mock server.`,
    meaning: 'The client is in another state than the test expects, so the test would check the wrong thing.',
    cause: 'Client options that do not speak the mock server\'s contract (a custom `wireFormat`, endpoints the server does not answer), or a server given in `server` whose switches (an outage, a held refresh) stand in the way.',
    fix: 'Give the scripted client the same endpoints as its server (or no endpoints at all), and no outage or held answers before it starts.',
    production: 'kept',
  },
  TL807: {
    kind: 'error',
    raises: 'TypeError',
    title: 'An option or argument of the scripted client is not valid',
    message: (option?: string, got?: unknown) =>
      `tokenlife: the scripted client's \`${option}\` is not valid (got ${String(got)}). Options: state, user, accessTokenTtl, refreshToken ("cookie" | "storage"), idToken, client, server, routes, now, pageUrl; durations are in ms for advance() and sleep().`,
    meaning: 'The scripted client was not created, or the call did nothing.',
    cause: 'A misspelt option, or a negative or non-numeric duration.',
    fix: 'Pass the options `TestAuthClientOptions` lists, and durations as a number of milliseconds.',
    production: 'kept',
  },
  TL808: {
    kind: 'error',
    raises: 'Error',
    title: '`finishLoading()` on a scripted client that is not loading',
    message: () => 'tokenlife: finishLoading() answers the refresh the "loading" state holds, and this client was not created in "loading".',
    meaning: 'Nothing was released.',
    cause: 'The client was created in another state, or with a server whose refresh the test holds itself.',
    fix: 'Create the client with `{ state: "loading" }`, or release your own `server.holdNextRefresh()`.',
    production: 'kept',
  },
  TL809: {
    kind: 'error',
    raises: 'TypeError',
    title: 'A test provider was given a client that is not a scripted client',
    message: (_subject?: string, got?: unknown) =>
      `tokenlife: <TestAuthProvider client> and createTestTokenlife() take a TestAuthClient (await createTestAuthClient(...)), got ${String(got)}. To test with an AuthClient of your own, use <AuthProvider client> or createTokenlife() directly.`,
    meaning: 'The provider (or plugin) was not created.',
    cause: 'An `AuthClient` (from `createAuthClient()`) passed where the kit expects the scripted client that drives one.',
    fix: 'Pass the result of `createTestAuthClient()`, or render the real `<AuthProvider client={auth}>` for a client of your own.',
    production: 'kept',
  },
  TL810: {
    kind: 'error',
    raises: 'TypeError',
    title: 'An option of `mockOidcProvider()` is not valid',
    message: (option?: string, got?: unknown) =>
      `tokenlife: mockOidcProvider() option \`${option}\` is not valid (got ${String(got)}). Options: issuer (an http(s) URL without query), clientId, redirectUris, postLogoutRedirectUris, users, accessTokenTtl, refreshTokenTtl, retryWindowSeconds, revocation, endSession, now, wait.`,
    meaning: 'The mock provider was not created.',
    cause: 'A misspelt option, an issuer that is not an absolute `http(s)` URL, or users without `email` and `password`.',
    fix: 'Pass the options `MockOidcProviderOptions` lists.',
    production: 'kept',
  },
  TL811: {
    kind: 'error',
    raises: 'Error',
    title: 'The mock OpenID Connect provider refused to redirect back to the app',
    message: (parameter?: string, why?: unknown) =>
      `tokenlife: the mock provider does not redirect back: ${String(why)}. A real provider shows an error page here instead of returning to the app (it cannot trust ${parameter}).`,
    meaning: 'The sign-in (or the logout) stops at the provider, as it would at a real one: the app gets no callback.',
    cause: 'The app uses another `client_id`, `redirect_uri` or `post_logout_redirect_uri` than the provider was created with.',
    fix: 'Create the provider with the app\'s `clientId`, and its `redirectUris` / `postLogoutRedirectUris` (or none, to allow any).',
    production: 'kept',
  },
  TL812: {
    kind: 'error',
    raises: 'TypeError',
    title: 'A URL given to the mock provider is not one of its endpoints',
    message: (endpoint?: string, got?: unknown, expected?: unknown) => `tokenlife: the mock provider's ${endpoint} endpoint is ${String(expected)}, got ${String(got)}`,
    meaning: '`provider.authorize()` or `provider.endSession()` did nothing.',
    cause: 'The app was configured with another issuer, or the URL is not the one the app navigated to.',
    fix: 'Pass the URL the app navigated to (`page.navigations`), from an app whose `issuer` is `provider.issuer`.',
    production: 'kept',
  },
  TL813: {
    kind: 'error',
    raises: 'Error',
    title: 'E2E seeding could not sign in',
    message: (loginUrl?: string, why?: unknown) => `tokenlife: seeding a signed-in session at ${loginUrl} failed: ${String(why)}`,
    meaning: 'The E2E test does not start signed in; the app will show its signed-out screen.',
    cause: 'Credentials the server (or the mock server) does not accept, a `loginUrl` the app does not use, or a server that is not running on the app\'s origin.',
    fix: 'Seed with a user of the server and the app\'s own `loginUrl` and `refreshUrl`; with a mock server, route it first (`routeToMockServer()`).',
    production: 'kept',
  },
  TL814: {
    kind: 'error',
    raises: 'Error',
    title: 'The E2E seeding script is missing',
    message: (file?: string) => `tokenlife: ${file} (the seeding script signInForE2E() runs in the page) is not next to @tokenlife/testing's build; reinstall the package.`,
    meaning: '`signInForE2E()` cannot run.',
    cause: 'An installation of `@tokenlife/testing` that lost files (a bundler that copied only the entry), or a build from source without `pnpm build`.',
    fix: 'Install the package again (or build it), and import `@tokenlife/testing/e2e` from Node (the Playwright test), not from a bundle.',
    production: 'kept',
  },
  TL815: {
    kind: 'error',
    raises: 'TypeError',
    title: 'An E2E helper was given something it cannot use',
    message: (what?: string, got?: unknown) =>
      `tokenlife: ${what} is not valid (got ${String(got)}): signInForE2E(page, options) needs options.url, a URL of the app's origin; routeToMockServer(pageOrContext, ...servers) a Playwright page or context and at least one mock server.`,
    meaning: 'Nothing was seeded or routed.',
    cause: 'A missing or relative `url`, or a target that is not a Playwright `Page` or `BrowserContext`.',
    fix: 'Pass the app\'s URL (`http://localhost:5173/`) and the Playwright `page` (or `context`).',
    production: 'kept',
  },
  TL816: {
    kind: 'error',
    raises: 'Error',
    title: "The scripted client's timers keep firing without its clock moving",
    message: (at?: string) =>
      `tokenlife: the scripted client's timers fired more than 1,000 times at ${at} without its clock moving: something sets a timer of 0 ms from a timer of 0 ms, without end. advance() stopped it.`,
    meaning: '`advance()` (or `settle()`) rejected instead of hanging the test.',
    cause: 'A loop in code that runs on the scripted client\'s clock (your `wireFormat`, an `onEvent` listener that refreshes on every event), or a bug in tokenlife.',
    fix: 'Look at what the test runs on each timer; if only tokenlife runs there, report it with the test.',
    production: 'kept',
  },
} as const satisfies DiagnosticTable

/** A code of `@tokenlife/testing`. */
export type TestingCode = keyof typeof diagnostics

import type { DiagnosticEntry } from '@tokenlife/core'

/** `got …` for a value that should have been a non-empty string: never the text itself when it is one. */
const got = (value: unknown) => (typeof value === 'string' ? '""' : String(value))

/** A `TypeError` for bad input from the app, thrown before anything was stored or sent. */
const input = (entry: Omit<DiagnosticEntry, 'kind' | 'raises' | 'production'>, production: DiagnosticEntry['production'] = 'kept'): DiagnosticEntry => ({
  kind: 'error',
  raises: 'TypeError',
  production,
  ...entry,
})

/** TL501–TL512: options, the parameters of a sign-in, and what the page must have. */
export const inputCodes = {
  TL501: input({
    title: '`createOAuthClient()` was not given an options object',
    message: () => 'tokenlife: createOAuthClient(options) needs { issuer, clientId, redirectUri }',
    meaning: '`createOAuthClient()` takes one options object with at least `issuer`, `clientId` and `redirectUri`.',
    cause: 'Nothing passed, or the issuer URL passed alone.',
    fix: "Pass `{ issuer, clientId, redirectUri }`: see [OAuth 2.0 / OIDC servers](./oauth-servers.md#quick-start).",
  }),
  TL502: input(
    {
      title: 'An option `createOAuthClient()` does not know',
      message: (option?: string) => `tokenlife: createOAuthClient() option \`${option}\` is not an option (see OAuthClientOptions)`,
      meaning: 'The option would be ignored, so the client would not do what the app meant.',
      cause:
        'A typo, another SDK’s name (`authority`, `client_id`, `redirect_uri`, `domain`), or an option of the core that the OAuth client sets itself (`refreshUrl`, `logoutUrl`, `refreshToken`, `oauthClientId`, `wireFormat`, `validateIdToken`).',
      fix: 'Use the names of `OAuthClientOptions`; [migrating](./migrating.md) maps other SDKs’ names to them.',
    },
    'development only',
  ),
  TL503: input({
    title: 'A required option of `createOAuthClient()` is not a non-empty string',
    message: (option?: string, value?: unknown) => `tokenlife: createOAuthClient() option \`${option}\` must be a non-empty string, got ${got(value)}`,
    meaning: '`issuer`, `clientId` and `redirectUri` are required, and `scope` and `postLogoutRedirectUri`, when given, are text.',
    cause: 'An environment variable the build did not define (`import.meta.env.VITE_CLIENT_ID` is `undefined`), or an empty string.',
    fix: 'Pass the value as a string, and check that the build defines the variable.',
  }),
  TL504: input({
    title: 'The issuer is not an https URL',
    message: (_option?: string, issuer?: unknown) =>
      `tokenlife: createOAuthClient() option \`issuer\` must be an absolute https URL (plain http only on this device: 127.0.0.1, localhost), got ${String(issuer)}`,
    meaning:
      'The issuer is where the sign-in, the code exchange and every refresh go: over plain HTTP anyone on the network could read or change them. Plain `http:` is allowed only for a provider on this device (development, tests).',
    cause: 'A relative URL, a URL without its scheme, or an `http:` URL of a provider on another machine.',
    fix: 'Pass the issuer exactly as the provider’s discovery document names it, e.g. `https://id.example.com/realms/acme`.',
  }),
  TL505: input({
    title: '`metadata` is another issuer’s',
    message: (_option?: string, issuer?: unknown, metadataIssuer?: unknown) =>
      `tokenlife: createOAuthClient() option \`metadata\` must be the metadata of ${String(issuer)} (its issuer is ${String(metadataIssuer)})`,
    meaning: 'Metadata given by hand must be the provider’s own: its `issuer` is what the callback’s `iss` and every ID token’s `iss` are compared with.',
    cause: 'The metadata of another realm or tenant, or an issuer written once with and once without a trailing slash.',
    fix: 'Copy `issuer` from the metadata, or leave `metadata` out to discover it.',
  }),
  TL506: input({
    title: '`discoveryCacheMs` is not a number of milliseconds',
    message: (_option?: string, value?: unknown) => `tokenlife: createOAuthClient() option \`discoveryCacheMs\` must be a number of ms, got ${String(value)}`,
    meaning: 'How long a discovery document an earlier page cached is used without asking the provider again.',
    cause: 'A string (`"3600000"`) or a negative number.',
    fix: 'Pass a number of milliseconds, 0 or more (0: discover on every page load), or leave it out (one hour).',
  }),
  TL507: input({
    title: '`authorizationParams` is not an object',
    message: (_subject?: string, value?: unknown) => `tokenlife: authorizationParams must be an object such as { prompt: 'login' }, got ${String(value)}`,
    meaning: '`authorizationParams` (an option of `createOAuthClient()`, or of `loginWithRedirect()`) are extra parameters of the authorization request, by name.',
    cause: 'A query string (`"prompt=login"`), or an array.',
    fix: "Pass an object: `{ prompt: 'login', login_hint: 'ada@example.com' }`.",
  }),
  TL508: input({
    title: 'An authorization parameter the client sets itself',
    message: (param?: string) => `tokenlife: ${param} is set by the client (PKCE, state, nonce, redirect_uri, dpop_jkt); leave it out`,
    meaning:
      'The client sets `client_id`, `redirect_uri`, `response_type`, `response_mode`, `state`, `nonce`, `code_challenge`, `code_challenge_method`, `request`, `request_uri` and (with `dpop: true`) `dpop_jkt` itself: a value of the app’s would replace what the callback is checked against (the login CSRF defence, PKCE, the nonce, the DPoP key) or change how the answer comes back.',
    cause: 'A `state` carrying app data (another SDK’s habit), or a `redirect_uri` per call.',
    fix: 'Leave it out. Where to go after the sign-in is `returnTo`; another redirect URI is another client, created with that `redirectUri`.',
  }),
  TL509: input({
    title: 'An authorization parameter is not a string',
    message: (param?: string, type?: unknown) => `tokenlife: ${param} must be a string (or a list of strings), got ${String(type)}`,
    meaning: 'Each parameter goes into the authorization URL: a string, a finite number, or a list of strings (each sent once, e.g. several `resource`s).',
    cause: 'An object or a boolean, such as a `claims` request that was not serialized.',
    fix: 'Pass a string (`JSON.stringify` a `claims` request).',
  }),
  TL510: input({
    title: '`max_age` is not a number of seconds',
    message: (_param?: string, value?: unknown) => `tokenlife: authorizationParams.max_age must be a number of seconds, got ${String(value)}`,
    meaning: '`max_age` asks the provider to sign the user in again if they signed in longer ago; the ID token’s `auth_time` is then checked against it.',
    cause: 'A string (`"300"`) or a negative number.',
    fix: 'Pass a number of seconds, 0 or more.',
  }),
  TL511: input({
    title: 'A sign-in, callback or logout without a browser page',
    message: () => 'tokenlife: this needs a browser page (location); pass `environment` to createOAuthClient() elsewhere',
    meaning: '`loginWithRedirect()`, `handleRedirectCallback()`, `isRedirectCallback()` and `logout()` read the page’s URL and navigate: there is no `location` here.',
    cause: 'A call during server-side rendering, in a worker, or in a test in Node.',
    fix: 'Call them in the browser (an effect, an event handler). In tests, pass `environment: { pageUrl, navigate, replaceUrl }`.',
  }),
  TL512: input({
    title: 'No `sessionStorage` to begin a sign-in',
    message: () => 'tokenlife: signing in needs sessionStorage (for the PKCE verifier), and this page has none',
    meaning:
      'A sign-in’s transaction (PKCE verifier, state, nonce) stays in the tab’s `sessionStorage` until its callback; without it the callback could not be checked, so no sign-in begins.',
    cause: 'Storage disabled by the browser or its settings, or a sandboxed frame without `allow-same-origin`.',
    fix: 'Sign in from a top-level page that has storage. In tests, pass `environment: { tabStorage }`.',
  }),
} as const satisfies Record<string, DiagnosticEntry>

import { describeSecret } from '../describeValue'
import type { DiagnosticEntry } from './diagnosticEntry'

/** `setTokens()` checks what it is given: a token it cannot read must not become the session's. */
const tokenInput = (title: string, message: DiagnosticEntry['message'], cause: string, fix: string): DiagnosticEntry => ({
  kind: 'error',
  raises: 'TypeError',
  title,
  message,
  meaning: '`setTokens()` refused the tokens it was given; the session is unchanged. Token input is checked in both builds.',
  cause,
  fix,
  production: 'kept',
})

/** A value for a message, as `describeSecret` shows it: a string only by its length, so no token is printed. */
const secret = (value: unknown): string => describeSecret(value)

/** TL129–TL141: the storage factories, `setTokens()`, calls a client cannot answer, and the app's callbacks. */
export const inputCodes = {
  TL129: {
    kind: 'error',
    raises: 'TypeError',
    title: '`webStorage()` was given another kind than `local` or `session`',
    message: (_subject?: string, kind?: unknown) => `webStorage(kind): kind must be 'local' or 'session', got ${JSON.stringify(kind)}`,
    meaning: 'The adapter cannot tell which Web Storage to use.',
    cause: "`webStorage('localStorage')` or another spelling.",
    fix: "Use `webStorage('local')` or `webStorage('session')`.",
    production: 'development only',
  },
  TL130: {
    kind: 'error',
    raises: 'TypeError',
    title: '`indexedDbStorage()` was given an empty database or store name',
    message: (name?: string, value?: unknown) => `indexedDbStorage: ${name} must be a non-empty string, got ${JSON.stringify(value)}`,
    meaning: '`databaseName` and `storeName` name the IndexedDB database and its object store.',
    cause: 'An empty string or a non-string from configuration.',
    fix: "Leave them out (`'tokenlife'` / `'session'`) or pass non-empty names.",
    production: 'development only',
  },
  TL131: tokenInput(
    '`setTokens()` was not given an object',
    (_subject?: string, value?: unknown) => `setTokens(): needs { accessToken }, got ${secret(value)}`,
    'The token response itself, or the access token string, was passed instead of `{ accessToken, expiresIn }`.',
    'Pass `{ accessToken, refreshToken?, expiresIn? }` (camelCase, `expiresIn` in seconds).',
  ),
  TL132: tokenInput(
    '`setTokens()`: `accessToken` is not a non-empty string',
    (_subject?: string, value?: unknown) => `setTokens(): \`accessToken\` must be a non-empty string, got ${secret(value)}`,
    'The server\'s field name (`access_token`) was passed as is.',
    'Map the response: `setTokens({ accessToken: body.access_token, expiresIn: body.expires_in })`.',
  ),
  TL133: tokenInput(
    '`setTokens()`: `refreshToken` is not a non-empty string',
    (_subject?: string, value?: unknown) => `setTokens(): \`refreshToken\` must be a non-empty string when given, got ${secret(value)}`,
    'An empty or non-string refresh token.',
    'Leave `refreshToken` out (cookie mode never needs it) or pass the string.',
  ),
  TL134: tokenInput(
    '`setTokens()`: `expiresIn` is not a positive number of seconds',
    (_subject?: string, value?: unknown) =>
      `setTokens(): \`expiresIn\` must be a positive number of seconds, got ${typeof value === 'string' ? JSON.stringify(value) : secret(value)}; e.g. 300`,
    'A string, milliseconds instead of seconds gone negative, or `0`, which would make the token due for refresh at once.',
    'Pass the lifetime in seconds (`expires_in` of the token response).',
  ),
  TL135: tokenInput(
    '`setTokens()`: the access token looks like a JWT but does not decode',
    () => 'setTokens(): `accessToken` looks like a JWT but does not decode',
    'Three dot-separated parts whose middle part is not base64url-encoded JSON: a truncated or altered token.',
    'Pass the token exactly as the server issued it.',
  ),
  TL136: tokenInput(
    '`setTokens()` cannot tell when the access token expires',
    () => 'setTokens(): cannot tell when `accessToken` expires; pass `expiresIn` in seconds',
    'An opaque token (or a JWT without `exp`) and no `expiresIn`.',
    'Pass `expiresIn` (the response\'s `expires_in`).',
  ),
  TL141: tokenInput(
    '`setTokens()`: `idToken` is not a JWT',
    (_subject?: string, value?: unknown) => `setTokens(): \`idToken\` must be a JWT (an OpenID Connect ID token) when given, got ${secret(value)}`,
    'An opaque string, an empty string, or the whole token response passed as `idToken`; or a JWT whose payload does not decode.',
    'Pass the `id_token` of the token response as issued, after validating it (`@tokenlife/oauth` does), or leave `idToken` out.',
  ),
  TL137: {
    kind: 'error',
    raises: 'TypeError',
    title: '`login()` was called without a `loginUrl`',
    message: () => 'login() needs the `loginUrl` option',
    meaning: '`login(credentials)` posts to `loginUrl`, and the client has none.',
    cause: 'The option was left out, or a redirect-based sign-in should use `setTokens()` instead.',
    fix: "Add `loginUrl: '/auth/login'` to the options, or hand tokens from another flow to `setTokens()`.",
    production: 'kept',
  },
  TL138: {
    kind: 'error',
    raises: 'TokenlifeError',
    title: 'The client was destroyed',
    message: () => 'tokenlife: this client was destroyed; create a new one',
    meaning: '`start()`, `login()`, `getAccessToken()`, `refresh()` or `setTokens()` was called after `destroy()`.',
    cause: 'Code that kept a client after a test, a hot reload or an unmount destroyed it.',
    fix: 'Create a new client with `createAuthClient()`. The bindings never destroy a client: whoever created it destroys it, once.',
    production: 'kept',
  },
  TL139: {
    kind: 'warning',
    raises: 'environment.warn',
    title: 'A subscriber, an event listener, an idle listener or the `debug` callback threw',
    message: (who?: string, error?: unknown) => `${who} threw: ${String(error)}`,
    meaning: 'The client caught the exception and went on: a callback of the app can never break it.',
    cause: 'A bug in a function given to `subscribe()`, `onEvent()`, `auth.idle.subscribe()` or the `debug` option.',
    fix: 'Fix the callback; the warning shows what it threw.',
    production: 'kept',
  },
  TL140: {
    kind: 'warning',
    raises: 'environment.warn',
    title: 'A session-end callback threw',
    message: (_subject?: string, error?: unknown) => `a session-end callback threw: ${String(error)}`,
    meaning: 'A function given to `onSessionEnd()` threw or rejected. The session ended anyway, and a `cleanup-failed` event carries the error.',
    cause: 'A bug in the app\'s cleanup (clearing a cache or a store).',
    fix: 'Fix the callback; the warning shows what it threw.',
    production: 'kept',
  },
} as const satisfies Record<string, DiagnosticEntry>

import type { DiagnosticEntry } from './diagnosticEntry'

/** A 2xx answer tokenlife cannot use: transient, the session is kept and the request retried later. */
const invalidResponse = (title: string, cause: string, fix: string): DiagnosticEntry => ({
  kind: 'error',
  raises: 'InvalidResponseError',
  title,
  message: (url?: string, problem?: unknown) => `Invalid token response from ${url}: ${problem}`,
  meaning: 'A token endpoint answered, but not with tokens tokenlife can use (`error.problem` says what was wrong). It is transient: the session is kept and the request retried with backoff; `login()` rejects with it.',
  cause,
  fix,
  production: 'kept',
})

/** The server refused the client's configuration: the session is kept, nothing is retried. */
const configuration = (code: string, cause: string, fix: string): DiagnosticEntry => ({
  kind: 'error',
  raises: 'ConfigurationError',
  title: `The refresh endpoint answered \`${code}\`: the client is misconfigured`,
  message: (url?: string, status?: unknown, detail?: unknown, likelyCause?: unknown) =>
    `tokenlife: ${url} refused the refresh as misconfigured (HTTP ${status} ${detail}). Likely cause: ${likelyCause}; not retried.`,
  meaning: 'The server says the request is wrong, not the session. tokenlife keeps the session and its refresh token, sets `state.error`, prints this once through `environment.error` and schedules no retry; an explicit `refresh()` asks again. See [configuration errors](./core.md#configuration-errors).',
  cause,
  fix,
  production: 'kept',
})

/** The session is over; every waiting call rejects with this. */
const sessionEnded = (reason: string, meaning: string, cause: string, fix: string): DiagnosticEntry => ({
  kind: 'error',
  raises: 'SessionEndedError',
  title: `The session has ended (\`${reason}\`)`,
  message: (_subject?: string, detail?: unknown) => `The session has ended (${reason})${detail ? `: ${detail}` : ''}`,
  meaning,
  cause,
  fix,
  production: 'kept',
})

/** TL201–TL222: what the auth server answered (or did not), and the session's end. */
export const serverCodes = {
  TL201: {
    kind: 'error',
    raises: 'NetworkError',
    title: 'A request to the auth server got no response',
    message: (url?: string) => `Request to ${url} failed: no response`,
    meaning: 'Transient: the session is kept and the refresh retried with backoff (`error.transient === true`).',
    cause: 'The device is offline, DNS failed, the connection was reset, or the browser blocked the answer (CORS: a cross-origin auth server must allow the page\'s origin, and credentials in cookie mode).',
    fix: 'Nothing for a blip. If it persists, open the browser\'s network panel: a CORS error shows there, not in JavaScript.',
    production: 'kept',
  },
  TL202: {
    kind: 'error',
    raises: 'NetworkError',
    title: 'A request to the auth server timed out',
    message: (url?: string) => `Request to ${url} timed out`,
    meaning: 'No full answer (body included) within `timing.requestTimeoutMs` (10 s), and `error.timedOut` is `true`. A refresh that was sent is not aborted: its answer is still read and adopted when it comes.',
    cause: 'A slow or overloaded auth server, or a proxy that holds the connection.',
    fix: 'Look at the server\'s latency; raise `timing.requestTimeoutMs` only if it is slow by design.',
    production: 'kept',
  },
  TL203: {
    kind: 'error',
    raises: 'ServerError',
    title: 'The auth server answered "try again later"',
    message: (url?: string, status?: unknown) => `Request to ${url} failed with HTTP ${status}`,
    meaning: 'A 5xx, 429, 408 or another status that is not a refusal. Transient: the session is kept; a `Retry-After` is honoured (`error.retryAfterMs`), at most `timing.maxRetryAfterMs`.',
    cause: 'The server is down or rate-limiting; or `refreshUrl` answers 404 (a wrong URL is transient by these rules).',
    fix: 'Check `error.status`. A 404 means `refreshUrl` is wrong.',
    production: 'kept',
  },
  TL204: invalidResponse('The token response is not JSON', 'An HTML error page with a 200 status, or `refreshUrl` pointing at the app instead of the auth server.', 'Point `refreshUrl` at the token endpoint; it must answer `application/json`.'),
  TL205: invalidResponse('`wireFormat.parseTokenResponse` refused the answer', 'The body is not an object, has no `access_token`, or has an `expires_in` that is not a number; or a custom `parseTokenResponse` threw (`error.problem` holds its message).', 'Make the server answer as in [what your auth server must speak](./getting-started.md#success-login-and-refresh), or adapt `parseTokenResponse`.'),
  TL206: invalidResponse('The token response has no access token', 'A custom `parseTokenResponse` returned no `accessToken`.', 'Return `{ accessToken, refreshToken?, expiresIn? }` from it.'),
  TL207: invalidResponse('The access token looks like a JWT but does not decode', 'Three dot-separated parts whose middle part is not base64url-encoded JSON.', 'Issue well-formed JWTs, or opaque tokens without dots.'),
  TL208: invalidResponse('The token response gives no expiry', 'No `expires_in`, and the access token is not a JWT with `exp`.', 'Send `expires_in` (recommended: it needs no clock correction).'),
  TL209: invalidResponse('`expires_in` is not a positive number of seconds', '`expires_in` of 0 or less: the token would be due for refresh at once, in a loop.', 'Send the lifetime in seconds.'),
  TL210: invalidResponse('The access token expires as it is issued', 'A JWT whose `exp` is not after its `iat`, and no `expires_in`.', 'Fix the token lifetime at the server.'),
  TL211: invalidResponse('The token response is over 64 KiB', 'A body (or a `Content-Length`) over the cap; token responses are a few kilobytes.', 'Answer the token endpoint with the tokens only.'),
  TL212: sessionEnded(
    'revoked',
    'The server refused the refresh token (400/401 with an OAuth error such as `invalid_grant`, or a bare 401): the session ended in every tab, storage was cleared and `onSessionEnd` callbacks ran. `error.status`, `error.error` and `error.description` say what the server said.',
    'The refresh token was revoked (logout elsewhere, password change), expired, or reused (reuse detection).',
    'Send the user to sign in. If users are signed out unexpectedly, read `error.description` and the server\'s logs for reuse.',
  ),
  TL213: sessionEnded(
    'logout',
    'A call was waiting for a token (or a login was on the wire) when the session was logged out, in this tab or another.',
    'A logout in this tab or another.',
    'Nothing: the state is `unauthenticated`. Show the sign-in page.',
  ),
  TL214: sessionEnded(
    'no_session',
    'There is no session to use: `getAccessToken()` or an HTTP helper was called while signed out, or `start()` found none.',
    'The visitor never signed in, or the cookie (or stored refresh token) is gone.',
    'Check `state.status` before calling, or catch `isSessionEndedError(error)` and show the sign-in page.',
  ),
  TL222: sessionEnded(
    'idle',
    'Nobody used any tab of the app for the idle timeout (`idleTimeout()`): the session was logged out in every tab (revoked, storage cleared, `onSessionEnd` callbacks run), and a call that was waiting for a token, or came after the deadline, rejects with this.',
    'The user left the app alone past `idle.timeoutMs`, or the device slept past the deadline.',
    'Show the sign-in page, saying the session ended for inactivity (`state.reason === \'idle\'`).',
  ),
  TL215: {
    kind: 'error',
    raises: 'LoginError',
    title: 'The login endpoint refused the credentials',
    message: (_subject?: string, status?: unknown, detail?: unknown) => `Login failed with HTTP ${status}${detail ? `: ${detail}` : ''}`,
    meaning: '`login()` got a 4xx other than 408/429; the state is unchanged. `error.status`, `error.error` and `error.description` carry the answer.',
    cause: 'Wrong credentials, a locked account, or a request the server does not accept.',
    fix: 'Show `error.description` (or your own text) on the form.',
    production: 'kept',
  },
  TL216: configuration('invalid_client', '`oauthClientId` is missing or wrong, or the client is not registered as public (token endpoint auth method `none`).', 'Set `oauthClientId` to the client\'s id; register it as a public client.'),
  TL217: configuration('invalid_request', 'Storage mode: the request lacks something the server needs, most often `client_id`; or `refreshUrl` is not the token endpoint. (In cookie mode `invalid_request` ends the session instead.)', 'Set `oauthClientId`; check `refreshUrl`.'),
  TL218: configuration('unauthorized_client', 'The client may not use the `refresh_token` grant.', 'Allow the refresh grant for the client at the server.'),
  TL219: configuration('unsupported_grant_type', '`refreshUrl` is not a token endpoint that takes `grant_type=refresh_token`.', 'Point `refreshUrl` at the token endpoint.'),
  TL220: configuration('invalid_scope', 'The refresh asks for a scope the client may not have.', 'Fix the client\'s scopes at the server, or the refresh request in `wireFormat`.'),
  TL221: {
    kind: 'warning',
    raises: 'environment.warn (with `debug` on)',
    title: 'Logout could not revoke the session at the server',
    message: (url?: string, why?: unknown) => `logout could not revoke the session at ${url} (${why}): the refresh token may still be valid there`,
    meaning: 'The local logout happened (every tab is signed out); the revocation request failed, timed out or was refused. A `revocation-failed` event fires in every build; the warning needs `debug`.',
    cause: 'Offline, `logoutTimeoutMs` passed, or the revocation endpoint refused (`invalid_client`: a wrong `oauthClientId`).',
    fix: 'Check `logoutUrl` and `oauthClientId`. In cookie mode the httpOnly cookie survives an unrevoked logout: give it a bounded lifetime.',
    production: 'kept',
  },
} as const satisfies Record<string, DiagnosticEntry>

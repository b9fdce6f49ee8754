import type { DiagnosticEntry } from './diagnosticEntry'

/** TL401–TL403: the HTTP helpers (`createAuthFetch`, and `createAuthHttp` / `authHooks` from `@tokenlife/core/ky`). */
export const httpCodes = {
  TL401: {
    kind: 'error',
    raises: 'TypeError',
    title: 'HTTP helper options are not an object',
    message: () => 'HTTP helper options must be an object',
    meaning: '`createAuthFetch(auth, options)`, `createAuthHttp(auth, options)` and `authHooks(auth, options)` take an options object.',
    cause: 'A string such as `"invalid-token"` passed as the options.',
    fix: "Pass `{ refreshOn: 'invalid-token' }`, or nothing.",
    production: 'development only',
  },
  TL402: {
    kind: 'error',
    raises: 'TypeError',
    title: '`refreshOn` is neither `any-401` nor `invalid-token`',
    message: (_subject?: string, value?: unknown) => `option \`refreshOn\` must be 'any-401' or 'invalid-token', got ${JSON.stringify(value)}`,
    meaning: 'The option that says which 401 answers lead to a refresh and one retry has another value.',
    cause: 'A typo or another casing.',
    fix: "Use `'any-401'` (the default) or `'invalid-token'`; see [HTTP helpers](./http.md#options).",
    production: 'development only',
  },
  TL403: {
    kind: 'error',
    raises: 'TypeError',
    title: '`createAuthFetch` cannot resend a stream body',
    message: () =>
      'createAuthFetch cannot resend a ReadableStream body after a token refresh. Pass a string, Blob, ' +
      'ArrayBuffer, FormData or URLSearchParams (e.g. `await new Response(stream).blob()`), or use createAuthHttp.',
    meaning: 'A request to an allowed origin with a `ReadableStream` (or async iterable) body was refused before it was sent: after a 401 it could not be sent again with a new token.',
    cause: 'An upload streamed from a file or a generator.',
    fix: 'Buffer it first (`await new Response(stream).blob()`), or use `createAuthHttp`, which copies the request for the retry.',
    production: 'kept',
  },
} as const satisfies Record<string, DiagnosticEntry>

import { describeValue } from '../describeValue'
import type { DiagnosticEntry } from './diagnosticEntry'

/** `setTokens()` with `dpop: true` checks the key the tokens are bound to: a token must not go out unbound. */
const boundInput = (title: string, message: DiagnosticEntry['message'], cause: string, fix: string): DiagnosticEntry => ({
  kind: 'error',
  raises: 'TypeError',
  title,
  message,
  meaning: '`setTokens()` refused the tokens: with `dpop: true` a session is bound to a DPoP key this tab holds, and its tokens to that key. The session is unchanged. Checked in both builds.',
  cause,
  fix,
  production: 'kept',
})

/** A token endpoint's answer whose access token is not bound to the key the request was signed with. */
const unbound = (title: string, cause: string, fix: string): DiagnosticEntry => ({
  kind: 'error',
  raises: 'InvalidResponseError',
  title,
  message: (url?: string, problem?: unknown) => `Invalid token response from ${url}: ${problem}`,
  meaning: 'With `dpop: true` a token is adopted only when it is bound to the session\'s DPoP key: it would otherwise go out as a bearer token. The answer is not adopted; its rotated refresh token is kept (stored before the check), and the refresh is retried with backoff like any transient failure; `login()` rejects with it and revokes what it got.',
  cause,
  fix,
  production: 'kept',
})

/** TL160–TL164, TL250–TL252, TL350–TL352, TL450: sender-constrained tokens (option `dpop`, RFC 9449). */
export const dpopCodes = {
  TL160: {
    kind: 'error',
    raises: 'TypeError',
    title: 'The option `dpop` is not a boolean',
    message: (name?: string, value?: unknown) => `option \`${name}\` must be true or false, got ${describeValue(value)}`,
    meaning: '`dpop` decides whether tokens go out bound to a key or as bearer tokens, so it is checked in both builds.',
    cause: "A string from configuration (`'true'`), or an object.",
    fix: 'Pass `dpop: true` (or leave it out).',
    production: 'kept',
  },
  TL161: boundInput(
    '`setTokens()` with `dpop: true` does not say which key the tokens are bound to',
    () => 'setTokens(): with dpop: true, pass `dpopJkt` (the key the tokens are bound to); this tab has no session whose key they could be bound to',
    'Tokens of a new sign-in handed over without the thumbprint of the key the sign-in used.',
    'Make the key with `auth.dpop.createKey()`, sign the token request with it, and pass `setTokens({ …, dpopJkt: key.jkt })` (`@tokenlife/oauth` does).',
  ),
  TL162: boundInput(
    '`setTokens()`: `dpopJkt` names a key this tab does not hold',
    (_subject?: string, jkt?: unknown) => `setTokens(): \`dpopJkt\` ${describeValue(jkt)} is not a DPoP key of this client: load it with auth.dpop.key(jkt) or make it with auth.dpop.createKey()`,
    'A thumbprint from elsewhere, or a key deleted since (a logout deletes every key).',
    'Pass the `jkt` of a key from `auth.dpop.createKey()` or `auth.dpop.key(jkt)` in this tab.',
  ),
  TL163: boundInput(
    '`setTokens()`: the access token is not bound to the key `dpopJkt`',
    (_subject?: string, problem?: unknown) => `setTokens(): ${problem}`,
    'The token request was not signed with that key, or the server ignores DPoP (its access tokens have no `cnf.jkt`).',
    'Sign the token request with the key you pass; turn DPoP on for the client at the server.',
  ),
  TL164: boundInput(
    '`setTokens()`: `dpopJkt` given to a client without `dpop: true`',
    () => 'setTokens(): `dpopJkt` was given, but this client has no dpop: true: its tokens would go out as bearer tokens',
    'The sign-in used DPoP, the session\'s client does not.',
    'Create the client with `dpop: true`.',
  ),
  TL250: unbound(
    'The token endpoint answered with a token that is not bound to the session\'s DPoP key',
    'A server that ignores DPoP (`token_type: Bearer`, a JWT without `cnf.jkt`, an opaque token without `token_type: DPoP`): DPoP is off at the server or for this client.',
    'Turn DPoP on at the server for this client (see [provider settings](./oauth-servers.md#dpop)), or leave `dpop` out.',
  ),
  TL251: unbound(
    'The token endpoint answered with a token bound to another DPoP key',
    'The answer\'s `cnf.jkt` is not the thumbprint of the key that signed the request: something between the page and the server changed the request or the answer.',
    'Check what sits between the page and the token endpoint.',
  ),
  TL252: {
    kind: 'error',
    raises: 'ConfigurationError',
    title: 'The refresh endpoint answered `invalid_dpop_proof`',
    message: (url?: string, status?: unknown, detail?: unknown, likelyCause?: unknown) =>
      `tokenlife: ${url} refused the refresh as misconfigured (HTTP ${status} ${detail}). Likely cause: ${likelyCause}; not retried.`,
    meaning: 'The server refused the DPoP proof, not the session: tokenlife keeps the session and its refresh token, sets `state.error`, prints this once and schedules no retry; an explicit `refresh()` asks again.',
    cause: 'A device clock far off (the proof\'s `iat`), a proxy that rewrites the URL (`htu`), or a server that does not accept ES256.',
    fix: 'Make the URL the page calls the one the server sees (or configure the server with its public URL); accept ES256 at the server.',
    production: 'kept',
  },
  TL350: {
    kind: 'error',
    raises: 'TokenlifeError',
    title: 'DPoP needs Web Crypto and IndexedDB, and this page has not both',
    message: () =>
      'tokenlife: dpop: true needs Web Crypto (a secure context: https or localhost) and IndexedDB (shared by the tabs); this page lacks one, so nothing is sent rather than a bearer token',
    meaning: 'A client with `dpop: true` cannot make or keep its key here: every refresh, login and HTTP-helper request fails with this error (printed once through `environment.error`); no token goes out unbound. The session is kept for a page that can sign.',
    cause: 'A page served over plain http (not localhost): `crypto.subtle` exists only in secure contexts. Or a browser, or a private mode, without IndexedDB.',
    fix: 'Serve the app over https. Where IndexedDB may be missing, leave `dpop` off for those browsers.',
    production: 'kept',
  },
  TL351: {
    kind: 'error',
    raises: 'TokenlifeError (transient)',
    title: 'The DPoP key store (IndexedDB) failed',
    message: () => 'tokenlife: the DPoP key store (IndexedDB database tokenlife-dpop) failed; the request was not sent',
    meaning: 'A read or write of the session\'s DPoP key failed (the `cause` says why). Nothing was sent; a refresh is retried with backoff.',
    cause: 'Storage pressure, a blocked database upgrade, or a browser bug.',
    fix: 'Usually nothing: the next attempt works. If it persists, look at `error.cause`.',
    production: 'kept',
  },
  TL352: {
    kind: 'error',
    raises: 'TokenlifeError',
    title: 'The DPoP key the token is bound to is gone',
    message: () => 'tokenlife: the DPoP key this token is bound to is gone (a logout in another tab, or site data cleared); the request was not sent',
    meaning: 'A request could not be signed: the key was deleted from IndexedDB. The token is useless without it and was not sent.',
    cause: 'A logout in another tab (it deletes the keys) just before the request, or the site\'s storage cleared by the user.',
    fix: 'Nothing: the session ends (the other tab\'s logout reaches this one) or the next refresh binds a new key.',
    production: 'kept',
  },
  TL450: {
    kind: 'error',
    raises: 'TokenlifeError',
    title: 'A DPoP proof was asked for a token that is not this session\'s',
    message: () => 'tokenlife: auth.dpop.proof(): the access token is not one of this session\'s, so no key is bound to it',
    meaning: 'Proofs are signed only for the session\'s own tokens, with the key each is bound to.',
    cause: 'A token from elsewhere, or one of a session that ended.',
    fix: 'Sign requests with the token `getAccessToken()` returns.',
    production: 'kept',
  },
} as const satisfies Record<string, DiagnosticEntry>

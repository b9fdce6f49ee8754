import type { DiagnosticEntry } from '@tokenlife/core'

/** A refused callback: nothing was stored, and a session that existed is untouched. */
const refused = (raises: string, entry: Omit<DiagnosticEntry, 'kind' | 'raises' | 'production'>): DiagnosticEntry => ({
  kind: 'error',
  raises,
  production: 'kept',
  ...entry,
})

/** TL521–TL530: the callback on the redirect URI, and where the app goes afterwards. */
export const callbackCodes = {
  TL521: refused('CallbackStateError', {
    title: 'A callback without `state`',
    message: () => 'tokenlife: refused the sign-in callback: the callback URL has no `state` parameter',
    meaning:
      'A callback without `state` cannot be matched to a sign-in this tab began, so it is refused (the login CSRF defence). Nothing was stored and any session is untouched; `error.problem` is `missing`.',
    cause: 'A link to the redirect URI carrying `code` but no `state` (forged, or written by hand), or a router that dropped query parameters before the callback was handled.',
    fix: 'Hand `handleRedirectCallback()` the URL as the provider sent it (before the router rewrites the address), then show the sign-in button again.',
  }),
  TL522: refused('CallbackStateError', {
    title: 'A callback for another sign-in than this tab’s',
    message: () => "tokenlife: refused the sign-in callback: the callback's `state` is not the one this tab's sign-in sent (a forged or stale callback)",
    meaning: 'This tab has a sign-in in progress, but the callback answers another one: it is refused (the login CSRF defence). Nothing was stored; `error.problem` is `mismatch`.',
    cause: 'A forged callback, or a second sign-in begun in this tab before the user came back through the first one’s provider page (the back button).',
    fix: 'Nothing in the app: begin the sign-in again.',
  }),
  TL523: refused('CallbackStateError', {
    title: 'A callback for no sign-in this tab began',
    message: () => 'tokenlife: refused the sign-in callback: this tab began no sign-in that this callback could answer (no transaction in its sessionStorage)',
    meaning: 'The tab has no sign-in in progress and no tab of this origin began the one the callback answers: it is refused. Nothing was stored; `error.problem` is `unknown`.',
    cause:
      'A callback URL from another browser or profile (shared or bookmarked), a sign-in begun over an hour ago (its transaction was dropped), storage cleared meanwhile, or a redirect URI on another origin than the page that began (`www.` or not).',
    fix: 'Begin the sign-in on the origin of the redirect URI, and show the sign-in button again.',
  }),
  TL524: refused('CallbackReplayError', {
    title: 'A callback handled already',
    message: () => 'tokenlife: refused the sign-in callback: it was handled already (reload, back button or the same URL opened again)',
    meaning: 'A callback’s code is good once, and this one was used: it is refused without a request. The session its first handling made, if any, is untouched.',
    cause:
      'A reload of the callback URL, the back button, or the callback URL opened again in another tab. (Two calls in one page, as React StrictMode makes, share one exchange and do not raise this.)',
    fix: 'Once `handleRedirectCallback()` resolves, navigate to `returnTo` replacing the history entry. On this error look at `auth.getState().status`: the user is often signed in already.',
  }),
  TL525: refused('OtherTabTransactionError', {
    title: 'A callback for a sign-in another tab began',
    message: () => 'tokenlife: refused the sign-in callback: the sign-in began in another tab, which holds its PKCE verifier and nonce',
    meaning: 'A sign-in’s PKCE verifier and nonce are the secret of the tab that began it (its `sessionStorage`): this tab cannot finish it. Nothing was stored; the other tab can still finish it.',
    cause: 'The callback URL opened in a new tab (a link in an email from the provider, a copy), or a provider that opened it in a new window.',
    fix: 'Send the user back to the first tab, or begin the sign-in again here. A sign-in finished in one tab signs every open tab in.',
  }),
  TL526: refused('IssuerMismatchError', {
    title: 'The callback’s `iss` is another issuer’s (mix-up)',
    message: (received?: string, expected?: unknown) =>
      `tokenlife: refused the sign-in callback: \`iss\` is ${received}, expected ${String(expected)} (RFC 9207 mix-up defence)`,
    meaning:
      'The authorization response names another issuer than this client’s (RFC 9207): a mix-up attack, which plays one provider’s answer to the client of another, looks like this. Nothing was stored; `error.expected` and `error.received` say which.',
    cause: 'An attack, or an `issuer` option that differs from what the provider puts in `iss` (a trailing slash, another host name behind a proxy).',
    fix: 'Set `issuer` exactly as the provider’s discovery document names it.',
  }),
  TL527: refused('IssuerMismatchError', {
    title: 'The callback has no `iss`, though the provider sends one',
    message: (expected?: string) => `tokenlife: refused the sign-in callback: no \`iss\` parameter, though ${expected} says it sends one (RFC 9207)`,
    meaning:
      'The provider’s metadata says every authorization response carries `iss` (`authorization_response_iss_parameter_supported`), and this one has none: a mix-up would look like this, so it is refused. `error.received` is `undefined`.',
    cause: 'A proxy or router that drops query parameters, or a callback forged without `iss`.',
    fix: 'Hand `handleRedirectCallback()` the URL exactly as the provider sent it.',
  }),
  TL528: refused('AuthorizationError', {
    title: 'The provider refused the sign-in',
    message: (error?: string, description?: unknown) => `tokenlife: the provider refused the sign-in: ${error}${description ? ` (${String(description)})` : ''}`,
    meaning:
      'The provider answered the authorization request with an OAuth error instead of a code: `error.error` (`access_denied`, `login_required`, `consent_required`, …), `error.description` and `error.uri` say what it said. Nothing was stored.',
    cause:
      "`access_denied`: the user cancelled, or may not use the app. `login_required`, `interaction_required`: `prompt: 'none'` without a session at the provider. `invalid_request`, `invalid_scope`, `unauthorized_client`: the client’s registration at the provider.",
    fix: "After a cancel, show the sign-in again. For `login_required`, sign in without `prompt: 'none'`. Otherwise check the client at the provider ([the client at the provider](./oauth-servers.md#the-client-at-the-provider)).",
  }),
  TL529: refused('CodeExchangeError', {
    title: 'The token endpoint refused the authorization code',
    message: (error?: string, status?: unknown, description?: unknown) =>
      `tokenlife: the token endpoint refused the authorization code (HTTP ${String(status)} ${error}${description ? `: ${String(description)}` : ''})`,
    meaning: 'The code could not be exchanged for tokens: `error.status`, `error.error` (most often `invalid_grant`) and `error.description` say why. Nothing was stored.',
    cause:
      '`invalid_grant`: the code was used already, has expired (codes live seconds to minutes), or the redirect URI or PKCE verifier does not match. `invalid_client`, `unauthorized_client`: the client is not a public client allowed the authorization-code grant.',
    fix: 'Begin the sign-in again. If it persists, register the client as public (token endpoint auth method `none`) with the authorization-code and refresh-token grants and exactly this `redirectUri`.',
  }),
  TL530: refused('ReturnToError', {
    title: 'A `returnTo` on another origin',
    message: (returnTo?: string, origin?: unknown) =>
      `tokenlife: returnTo must be on this page's origin (${String(origin)}), got ${JSON.stringify(returnTo)}; pass a path such as '/account'`,
    meaning:
      'After a sign-in or a logout the app only ever goes back to itself: a `returnTo` on another origin (`https://evil.example`, `//evil.example`, `javascript:…`) would be an open redirect. It is refused before anything is stored or sent; `error.returnTo` and `error.origin` say which.',
    cause: 'A `returnTo` taken from the URL (`?next=`) that someone else wrote, or a full URL of another of your origins.',
    fix: "Pass a path (`'/account'`). To go on to another origin, navigate there once `handleRedirectCallback()` resolved, to an address from a list you trust.",
  }),
} as const satisfies Record<string, DiagnosticEntry>

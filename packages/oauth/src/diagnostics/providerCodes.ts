import type { DiagnosticEntry } from '@tokenlife/core'

const noMetadata = (issuer?: string, problem?: unknown) => `tokenlife: no usable OpenID Connect metadata for ${issuer}: ${String(problem)}`

/** TL561–TL565: the provider's metadata and endpoints, and (TL564, TL565) the DPoP binding of a sign-in's tokens. */
export const providerCodes = {
  TL561: {
    kind: 'error',
    raises: 'DiscoveryError',
    title: 'The discovery document did not load (try again later)',
    message: noMetadata,
    meaning:
      'The provider’s discovery document (`<issuer>/.well-known/openid-configuration`) got no answer, or a 5xx or 429. `error.transient` is `true`: nothing is lost, and the next call asks again.',
    cause: 'The device is offline or the provider down; or CORS: the browser hides a refused cross-origin answer, and the discovery endpoint must allow the app’s origin.',
    fix: 'Try again. If it persists, look at the browser’s network panel. To fetch no discovery document at all, pass `metadata`.',
    production: 'kept',
  },
  TL562: {
    kind: 'error',
    raises: 'DiscoveryError',
    title: 'The discovery document is not this issuer’s, or not usable',
    message: noMetadata,
    meaning:
      'What the discovery URL answered is not a usable discovery document for `issuer` (`error.problem` says why): not JSON, a 4xx, another `issuer`, or no `authorization_endpoint` or `token_endpoint`. Waiting will not change it.',
    cause: 'An `issuer` with a typo or without its path (`/realms/acme`, `/v2.0`), written with or without a trailing slash unlike the provider, or a provider that is not for OpenID Connect.',
    fix: 'Set `issuer` exactly as the document at `<issuer>/.well-known/openid-configuration` names itself, or pass `metadata` with both endpoints.',
    production: 'kept',
  },
  TL563: {
    kind: 'error',
    raises: 'TokenlifeError (the `revocation-failed` event)',
    title: 'Logout could not revoke the refresh token: the provider has no revocation endpoint',
    message: (issuer?: string) => `tokenlife: ${issuer} has no revocation_endpoint: the refresh token was not revoked`,
    meaning:
      'Logout signed every tab out and cleared storage, but the provider publishes no RFC 7009 revocation endpoint, so the refresh token stays valid there until it expires. The core reports it as a `revocation-failed` event (and, with `debug`, the warning [TL221](#tl221)).',
    cause: 'A provider without token revocation (some only end the sign-in at `end_session_endpoint`), or `metadata` given by hand without `revocation_endpoint`.',
    fix: 'Give refresh tokens a bounded lifetime at the provider. Add `revocation_endpoint` to `metadata` given by hand when the provider has one.',
    production: 'kept',
  },
  TL564: {
    kind: 'error',
    raises: 'DpopBindingError',
    title: 'The DPoP key this sign-in began with is gone',
    message: () => 'tokenlife: refused the sign-in: the DPoP key its authorization request named (dpop_jkt) is gone; sign in again',
    meaning:
      'With `dpop: true`, `loginWithRedirect()` makes the new session’s key (in IndexedDB, shared by the origin’s tabs) and names it in the authorization request (`dpop_jkt`): the provider will exchange the code only with a proof by that key. When the callback came, the key was no longer there, so the code cannot be exchanged. `error.problem` is `key-missing`. Nothing was stored; any session is untouched.',
    cause: 'A logout in another tab while the user was at the provider (a logout deletes every key made until then), site data cleared, or IndexedDB unavailable in this page (a private window of some browsers).',
    fix: 'Sign in again (`loginWithRedirect()`): a new key is made.',
    production: 'kept',
  },
  TL565: {
    kind: 'error',
    raises: 'DpopBindingError',
    title: 'The provider answered a DPoP sign-in with bearer tokens',
    message: () => 'tokenlife: refused the sign-in: the provider answered with tokens not bound to the DPoP key (token_type Bearer); turn DPoP on for this client at the provider',
    meaning:
      'With `dpop: true` the code exchange carried a DPoP proof, but the token endpoint answered `token_type: Bearer`: the tokens are not bound to the key, and sending them as DPoP tokens would fail while sending them as bearer tokens would drop the protection the app asked for. `error.problem` is `not-bound`. Nothing was stored.',
    cause: 'A provider without DPoP, or with DPoP off for this client (Keycloak: the client’s “OAuth 2.0 DPoP Bound Access Tokens”; Okta: “Require Demonstrating Proof of Possession (DPoP) header in token requests”; oidc-provider: `features.dPoP`).',
    fix: 'Turn DPoP on for the client at the provider (see the provider settings in docs/oauth-servers.md), or leave `dpop` off.',
    production: 'kept',
  },
} as const satisfies Record<string, DiagnosticEntry>

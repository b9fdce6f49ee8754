import type { DiagnosticEntry } from '@tokenlife/core'

const noMetadata = (issuer?: string, problem?: unknown) => `tokenlife: no usable OpenID Connect metadata for ${issuer}: ${String(problem)}`

/** TL561–TL563: the provider's metadata and endpoints. */
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
} as const satisfies Record<string, DiagnosticEntry>

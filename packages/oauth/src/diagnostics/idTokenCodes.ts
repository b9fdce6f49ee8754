import type { DiagnosticEntry } from '@tokenlife/core'

/** An ID token that failed check `check`: `what` is the message's reason; `title`, `cause` and `fix` the entry's. */
const refusedIdToken = (check: string, title: string, what: string, cause: string, fix: string): DiagnosticEntry => ({
  kind: 'error',
  raises: 'IdTokenError',
  title,
  message: () => `tokenlife: refused the ID token: ${what}`,
  meaning: `The ID token was refused: ${what} (\`error.check\` is \`${check}\`). At sign-in nothing was stored. On a refresh the session ended in every tab: a \`SessionEndedError\` (reason \`revoked\`, error \`invalid_id_token\`) whose \`cause\` is this error.`,
  cause,
  fix,
  production: 'kept',
})

/** TL541–TL553: the ID token of a sign-in or a refresh, one code per check it can fail. */
export const idTokenCodes = {
  TL541: refusedIdToken(
    'signature',
    'The ID token’s signature does not verify',
    'its signature does not verify with a key of the provider’s JWKS',
    'A token changed after it was signed, or signed by a key the provider does not publish (forged). A key the cached key set lacks after a rotation is fetched again before this is decided.',
    'If it persists, compare the token’s `kid` with the keys at the provider’s `jwks_uri`.',
  ),
  TL542: refusedIdToken(
    'alg',
    'The ID token is not signed with an algorithm the provider uses, or not signed',
    'it is signed with an algorithm the provider does not use for ID tokens (or not signed: `alg: none`)',
    'An unsigned or HMAC-signed token (forged), or a provider whose metadata (`id_token_signing_alg_values_supported`) does not list the algorithm it signs with.',
    'Check the provider’s ID token signing algorithm (RS256, ES256, …) against its metadata.',
  ),
  TL543: refusedIdToken(
    'iss',
    'The ID token is another issuer’s (`iss`)',
    'its `iss` is not this client’s issuer',
    'A token of another provider, realm or tenant, or an `issuer` option written otherwise than the token’s `iss` (a trailing slash).',
    'Set `issuer` exactly as the token’s `iss` and the discovery document name it.',
  ),
  TL544: refusedIdToken(
    'aud',
    'The ID token is for another client (`aud`)',
    'its `aud` does not name this client',
    'A token issued to another client: `clientId` is not the client the provider signs in for.',
    'Set `clientId` to the client registered at the provider.',
  ),
  TL545: refusedIdToken(
    'azp',
    'The ID token’s authorized party is another client (`azp`)',
    'its `azp` does not name this client',
    'A token for several audiences whose authorized party is another client.',
    'Set `clientId` to the client the token is issued for.',
  ),
  TL546: refusedIdToken(
    'exp',
    'The ID token has expired (`exp`)',
    'it has expired',
    'An ID token that lives shorter than the way back from the provider, or a provider whose clock is off. (The device’s own clock is corrected by the `Date` header of the token response.)',
    'Give ID tokens a lifetime of minutes at the provider, and check its clock.',
  ),
  TL547: refusedIdToken(
    'iat',
    'The ID token’s issue time is missing or invalid (`iat`)',
    'its `iat` is missing or invalid',
    'A provider that leaves `iat` out, or dates it in the future.',
    'Check the provider’s clock and the claims of its ID tokens.',
  ),
  TL548: refusedIdToken(
    'nbf',
    'The ID token is not valid yet (`nbf`)',
    'it is not valid yet (`nbf`)',
    'A provider whose clock is ahead of the `Date` header its token endpoint sends.',
    'Check the provider’s clock.',
  ),
  TL549: refusedIdToken(
    'nonce',
    'The ID token answers another sign-in (`nonce`)',
    'its `nonce` is not the one this sign-in sent',
    'A token replayed from another sign-in (an attack), or a provider that does not copy the authorization request’s `nonce` into the ID token.',
    'Begin the sign-in again; if it persists, check that the provider returns `nonce` in its ID tokens.',
  ),
  TL550: refusedIdToken(
    'auth_time',
    'The sign-in is older than `max_age` allows (`auth_time`)',
    'the sign-in is older than `max_age` allows',
    'A provider that kept a sign-in older than `max_age` without asking the user again, or sent no `auth_time`.',
    "Check the provider’s support of `max_age`, or sign in with `prompt: 'login'`.",
  ),
  TL551: refusedIdToken(
    'sub',
    'A refresh returned an ID token for another user (`sub`)',
    'a refresh returned an ID token for another user (`sub`)',
    'The provider changed the user behind the grant, or the refresh answer was forged. A session never changes user silently.',
    'Sign the user in again.',
  ),
  TL552: refusedIdToken(
    'malformed',
    'The ID token is not a well-formed JWT',
    'it is not a well-formed JWT',
    'A token that is not three base64url parts of JSON, or lacks a claim every ID token has (`sub`, `iat`, …).',
    'Check the ID tokens the provider issues.',
  ),
  TL553: refusedIdToken(
    'missing',
    'The token endpoint returned no ID token',
    'the token endpoint returned none (is `openid` in the scope?)',
    'The sign-in always asks for `openid`, so: a provider that issues no ID token to this client (OAuth 2.0 only, not OpenID Connect), or metadata whose `token_endpoint` is not the provider’s.',
    'Allow OpenID Connect for the client at the provider.',
  ),
} as const satisfies Record<string, DiagnosticEntry>

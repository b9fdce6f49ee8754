import type { ProviderMetadata } from './discovery'

/**
 * The RP-initiated logout URL (OpenID Connect RP-Initiated Logout 1.0) at the provider's `end_session_endpoint`, with
 * `client_id`, the session's ID token as `id_token_hint` and `post_logout_redirect_uri` when known; `undefined` when
 * the provider has no such endpoint.
 */
export function endSessionUrl(
  as: ProviderMetadata,
  { clientId, idToken, postLogoutRedirectUri }: { clientId: string; idToken: string | undefined; postLogoutRedirectUri: string | undefined },
): string | undefined {
  if (as.end_session_endpoint === undefined) return undefined
  const url = new URL(as.end_session_endpoint)
  url.searchParams.set('client_id', clientId)
  if (idToken !== undefined) url.searchParams.set('id_token_hint', idToken)
  if (postLogoutRedirectUri !== undefined) url.searchParams.set('post_logout_redirect_uri', postLogoutRedirectUri)
  return url.href
}

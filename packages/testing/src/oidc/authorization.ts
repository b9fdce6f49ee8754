import { kitError } from '../diagnostics/kitError'
import type { ProviderContext } from './providerContext'

/** Whether `uri` is allowed where `registered` lists the exact URIs (any `http(s)` URL when none are listed). */
export function registered(uri: string | null, list: readonly string[] | undefined): uri is string {
  if (uri === null) return false
  if (list !== undefined) return list.includes(uri)
  try {
    return /^https?:$/.test(new URL(uri).protocol)
  } catch {
    return false
  }
}

/** `redirect` with `params` added to its query. */
function withParams(redirect: string, params: Record<string, string | undefined>): string {
  const url = new URL(redirect)
  for (const [name, value] of Object.entries(params)) if (value !== undefined) url.searchParams.set(name, value)
  return url.href
}

/**
 * The provider's answer to an authorization request (the page the user is sent to): where it redirects the browser —
 * back to the redirect URI with a `code` (the user signed in at once, no form), or with an `error` — or a refusal
 * to redirect at all (an unknown client or an unregistered redirect URI), which throws (TL811) with the reason.
 */
export function authorize(context: ProviderContext, request: URL): string {
  const { options, codes } = context
  const params = request.searchParams
  if (params.get('client_id') !== options.clientId) {
    throw kitError(Error, 'TL811', 'client_id', `the client_id ${String(params.get('client_id'))} is not registered (it is ${options.clientId})`)
  }
  const redirectUri = params.get('redirect_uri')
  if (!registered(redirectUri, options.redirectUris)) {
    throw kitError(Error, 'TL811', 'redirect_uri', `the redirect_uri ${String(redirectUri)} is not registered`)
  }
  const state = params.get('state') ?? undefined
  const refuse = (error: string, description: string) => withParams(redirectUri, { error, error_description: description, state, iss: options.issuer })
  if (params.get('response_type') !== 'code') return refuse('unsupported_response_type', 'only response_type=code is supported')
  const scope = params.get('scope') ?? ''
  if (!scope.split(' ').includes('openid')) return refuse('invalid_scope', 'the scope must include openid')
  const challenge = params.get('code_challenge')
  if (!challenge || params.get('code_challenge_method') !== 'S256') return refuse('invalid_request', 'PKCE with S256 is required')
  if (context.nextError) {
    const { error, description } = context.nextError
    context.nextError = undefined
    return refuse(error, description)
  }
  if (params.get('prompt') === 'none' && !context.signedIn) return refuse('login_required', 'the user is not signed in at the provider')
  const user = params.get('prompt') === 'none' ? context.signedIn! : context.nextUser
  context.signedIn = user
  const code = context.random('code')
  codes.set(code, {
    clientId: options.clientId,
    redirectUri,
    challenge,
    nonce: params.get('nonce') ?? undefined,
    scope,
    userId: user.id,
    authTime: Math.floor(options.now() / 1000),
    expiresAt: options.now() + 60_000,
  })
  return withParams(redirectUri, { code, state, iss: options.issuer })
}

/**
 * The provider's answer to an RP-initiated logout (OpenID Connect RP-Initiated Logout 1.0): it ends the user's
 * session at the provider and redirects to the `post_logout_redirect_uri` (with `state`), or answers a page when
 * there is none. Refuses (TL811) an unregistered `post_logout_redirect_uri` or another client's.
 */
export function endSession(context: ProviderContext, request: URL): string | undefined {
  const { options } = context
  const params = request.searchParams
  const clientId = params.get('client_id')
  if (clientId !== null && clientId !== options.clientId) throw kitError(Error, 'TL811', 'client_id', `the client_id ${clientId} is not registered`)
  const target = params.get('post_logout_redirect_uri')
  if (target !== null && !registered(target, options.postLogoutRedirectUris)) {
    throw kitError(Error, 'TL811', 'post_logout_redirect_uri', `the post_logout_redirect_uri ${target} is not registered`)
  }
  context.signedIn = undefined
  return target === null ? undefined : withParams(target, { state: params.get('state') ?? undefined })
}

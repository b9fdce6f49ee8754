import { isTokenlifeError, type AuthClient } from '@tokenlife/core'
import type { TokenEndpointResponse } from 'oauth4webapi'
import type { ProviderMetadata } from './discovery'
import type { OAuthEnvironment } from './environment'
import { AuthorizationError, CodeExchangeError, DpopBindingError, IssuerMismatchError } from './errors'
import { idTokenFailure } from './idTokenFailure'
import { clientFor, requestOptions, type Protocol } from './protocol'
import type { Transaction } from './transactions'

/** The tokens of a finished sign-in, its ID token validated. */
export interface SignInTokens {
  accessToken: string
  refreshToken: string | undefined
  expiresIn: number | undefined
  idToken: string
  /** DPoP: the thumbprint of the key the tokens are bound to. */
  dpopJkt?: string
}

/**
 * The callback's checks that oauth4webapi makes before the exchange: the RFC 9207 `iss` (a mix-up), and the
 * provider's error response. The `state` was matched to `transaction` already.
 */
function checkResponse(o: Protocol, as: ProviderMetadata, clientId: string, params: URLSearchParams, transaction: Transaction): URLSearchParams {
  try {
    return o.validateAuthResponse(as, { client_id: clientId }, params, transaction.state)
  } catch (error) {
    if (error instanceof o.AuthorizationResponseError) {
      const { error: code, error_description: description } = error
      const uri = error.cause.get('error_uri')
      throw new AuthorizationError(code, { ...(description ? { description } : {}), ...(uri ? { uri } : {}), cause: error })
    }
    if (error instanceof o.OperationProcessingError && /"iss"/.test(error.message)) {
      throw new IssuerMismatchError(as.issuer, params.get('iss') ?? undefined, { cause: error })
    }
    throw error
  }
}

/**
 * Exchanges the callback's code (with the PKCE verifier) and has oauth4webapi validate the answer and its ID token:
 * `iss`, `aud`, `azp`, `exp`, `iat`, `nonce` (and `auth_time` against `max_age`), then the signature with a key of
 * the provider's JWKS (oauth4webapi checks an ID token from the token endpoint without its signature, since TLS
 * vouches for it; tokenlife asks for the signature too). Resolves only with tokens that passed every check.
 */
export async function exchangeCode(
  o: Protocol,
  as: ProviderMetadata,
  { clientId, env, params, transaction, auth }: { clientId: string; env: OAuthEnvironment; params: URLSearchParams; transaction: Transaction; auth: AuthClient },
): Promise<SignInTokens> {
  const checked = checkResponse(o, as, clientId, params, transaction)
  const options = requestOptions(o, env, as.issuer, auth)
  // DPoP: the exchange is signed with the key the authorization request named (oauth4webapi's DPoP handle).
  const key = transaction.dpopJkt === undefined ? undefined : await auth.dpop?.key(transaction.dpopJkt)
  if (transaction.dpopJkt !== undefined && !key) throw new DpopBindingError('key-missing')
  const dpop = key && o.DPoP(clientFor(o, clientId), key.keyPair)
  let tokens: TokenEndpointResponse
  let response: Response
  for (let attempt = 0; ; attempt++) {
    response = await o.authorizationCodeGrantRequest(as, { client_id: clientId }, o.None(), checked, transaction.redirectUri, transaction.codeVerifier, { ...options, ...(dpop ? { DPoP: dpop } : {}) })
    try {
      tokens = await o.processAuthorizationCodeResponse(as, clientFor(o, clientId, response), response, {
        expectedNonce: transaction.nonce,
        requireIdToken: true,
        ...(transaction.maxAge === undefined ? {} : { maxAge: transaction.maxAge }),
      })
      await o.validateApplicationLevelSignature(as, response, options)
      break
    } catch (error) {
      // The provider refused the proof for want of its nonce before it looked at the code: once more, with it.
      if (dpop && attempt === 0 && o.isDPoPNonceError(error)) continue
      throw refusal(o, error)
    }
  }
  if (key && tokens.token_type !== 'dpop') throw new DpopBindingError('not-bound')
  return {
    accessToken: tokens.access_token,
    refreshToken: tokens.refresh_token,
    expiresIn: tokens.expires_in,
    idToken: tokens.id_token!,
    ...(key ? { dpopJkt: key.jkt } : {}),
  }
}

/** An oauth4webapi failure of the exchange as the error that says what was refused. */
function refusal(o: Protocol, error: unknown): unknown {
  if (isTokenlifeError(error)) return error
  if (error instanceof o.ResponseBodyError) {
    return new CodeExchangeError(error.status, error.error, { ...(error.error_description ? { description: error.error_description } : {}), cause: error })
  }
  return idTokenFailure(o, error) ?? error
}

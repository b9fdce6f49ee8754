export { createOAuthClient, OAuthClient, type LoginWithRedirectOptions, type OAuthLogoutOptions } from './oauthClient'
export type { OAuthClientOptions } from './options'
export type { AuthorizationParams } from './authorize'
export type { ProviderMetadata } from './discovery'
export type { OAuthEnvironment, KeyValueStore } from './environment'
export {
  AuthorizationError,
  CallbackStateError,
  CallbackReplayError,
  OtherTabTransactionError,
  IssuerMismatchError,
  IdTokenError,
  CodeExchangeError,
  ReturnToError,
  DiscoveryError,
  isAuthorizationError,
  isCallbackStateError,
  isCallbackReplayError,
  isOtherTabTransactionError,
  isIssuerMismatchError,
  isIdTokenError,
  isCodeExchangeError,
  isReturnToError,
  isDiscoveryError,
  DpopBindingError,
  isDpopBindingError,
  type DpopBindingProblem,
  type CallbackStateProblem,
  type IdTokenCheckName,
} from './errors'

export { createAuthClient } from './createAuthClient'
export { AuthClient } from './authClient'
export type { TokenInput, SessionEndCallback } from './authClient'
export type {
  AuthState,
  AuthStatus,
  AuthenticatedState,
  InitializingState,
  UnauthenticatedState,
  UnauthenticatedReason,
  TokenClaims,
  AuthStateField,
  SessionEndReason,
  UserClaims,
} from './authState'
export { serverState } from './authState'
export type { AuthEvent, RefreshCause, SessionSource } from './authEvents'
export type { AuthClientOptions, IdTokenCheck } from './options'
export type { RedirectLogin, RedirectLoginOptions } from './redirectLogin'
export { idleTimeout, type IdleTimeoutOptions } from './idleTimeout'
export { idleOff, type IdleState, type IdleStore, type IdleTimeout } from './idleState'
export type { RefreshTiming } from './refreshTiming'
export { defaultRefreshTiming } from './refreshTiming'
export type { Environment, LockManagerPort, ChannelPort, SharedMarksPort, SendingRecordsPort, TimerHandle, WakeCause } from './ports'
export { createBrowserEnvironment } from './environment'
export type {
  WireFormat,
  WireRequest,
  RefreshRequestContext,
  LoginRequestContext,
  LogoutRequestContext,
  ErrorBody,
} from './wireFormat'
export { oauthWireFormat } from './wireFormat'
export type { TokenResponse, Identity } from './tokens'
export {
  TokenlifeError,
  NetworkError,
  ServerError,
  InvalidResponseError,
  SessionEndedError,
  LoginError,
  ConfigurationError,
  isTokenlifeError,
  isNetworkError,
  isServerError,
  isInvalidResponseError,
  isSessionEndedError,
  isLoginError,
  isConfigurationError,
  type ConfigurationErrorCode,
  type TokenlifeErrorOptions,
} from './errors'
export type { StorageAdapter } from './storage/storageAdapter'
export { memoryStorage } from './storage/memoryStorage'
export { webStorage } from './storage/webStorage'
export { indexedDbStorage, type IndexedDbStorageOptions } from './storage/indexedDbStorage'
export { createAuthFetch } from './http/authFetch'
export type { AuthHttpOptions } from './http/authorizeRequest'
export type { AuthHost } from './http/authHost'
export type { AuthDpop, DpopKey, DpopProofRequest, DpopSigner } from './dpop/dpop'
export { troubleshootingUrl, diagnosticMessage } from './diagnostics/diagnostic'
export type { DiagnosticEntry, DiagnosticTable } from './diagnostics/diagnosticEntry'

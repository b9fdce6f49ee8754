export type {
  AuthStore,
  ChangeFeed,
  FeedListener,
  RefreshTokenRecord,
  RevocationChange,
  RevocationSnapshot,
  RotateOutcome,
  TokenFamily,
  User,
} from './store/authStore'
export { MemoryStore } from './store/memoryStore'
export { Issuer } from './issuer'
export type { IssuerOptions, RefreshFailureReason, RefreshResult, RefreshTokenStatus, TokenPair } from './issuer'
export { Verifier } from './verifier'
export type { VerifierOptions, VerifyResult, VerifierDpopOptions } from './verifier'
export { RevocationCache } from './revocationCache'
export { createAuthHandler, RETRY_WINDOW_HEADER } from './http/authHandler'
export type { AuthHandler, AuthHandlerOptions, RequestContext } from './http/authHandler'
export type { HandlerDpopOptions } from './http/tokenEndpointProofs'
export { DpopNonces } from './dpop/dpopNonces'
export type { DpopNoncesOptions } from './dpop/dpopNonces'
export { checkDpopProof } from './dpop/dpopProof'
export type { DpopProofCheck, DpopProofResult } from './dpop/dpopProof'
export { bearerToken } from './http/body'
export { errorResponse, HttpError, jsonResponse } from './http/httpError'
export { clientIp, crossSiteRefusal, normalizeAllowedOrigins, requestOrigin, requestProtocol } from './http/requestOrigin'
export type { ProxySetting } from './http/requestOrigin'
export { createStats } from './stats'
export type { AuthEvent, ServerStats } from './stats'
export { createKeyRing, createSecretKeyRing, generateSigningKey, randomSecret } from './tokens/keyRing'
export type { JsonWebKeySet, KeyRing, SigningAlgorithm, SigningKeyJwk } from './tokens/keyRing'
export { checkSignature } from './tokens/accessTokens'
export type { AccessTokenClaims, SignatureCheck, SignatureCheckOptions } from './tokens/accessTokens'
export { deriveSuccessor, generateRefreshToken, hashRefreshToken } from './tokens/refreshTokens'
export { checkSecretStrength, estimateSecretEntropyBits, MIN_SECRET_BYTES, MIN_SECRET_ENTROPY_BITS } from './tokens/secretStrength'
export { DEFAULT_SCRYPT_PARAMS, hashPassword, verifyPassword } from './passwords'
export type { ScryptParams } from './passwords'
export { FailureRateLimiter } from './rateLimit'
export { createUser, normalizeEmail } from './users'

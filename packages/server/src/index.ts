/**
 * `@tokenlife/server`: the server half of tokenlife. An {@link Issuer} (login, rotating refresh tokens with reuse
 * detection, an optional retry window, per-user token versions, logout everywhere, an absolute session cap), key rings
 * (EdDSA or ES256 with a JWKS, or HS256 for one process), a {@link Verifier} for API servers that checks revocation
 * without a store round trip per request, the contract's HTTP endpoints on Web `Request`/`Response`
 * ({@link createAuthHandler}), and the in-process {@link MemoryStore}. The Redis store is in `@tokenlife/server/redis`.
 *
 * Every error it throws carries a `code` (`TL6xx`) with an entry on https://tokenlife.dev/troubleshooting.
 *
 * @example
 * ```ts
 * import { createAuthHandler, createKeyRing, Issuer, Verifier } from '@tokenlife/server'
 * import { RedisStore } from '@tokenlife/server/redis'
 *
 * const store = new RedisStore({ redis: process.env.REDIS_URL! })
 * const keys = await createKeyRing(JSON.parse(process.env.SIGNING_KEYS!)) // from generateSigningKey(), shared by every instance
 * const issuer = new Issuer({ store, keys, issuer: 'https://auth.example.com', audience: 'api', retryWindowSeconds: 30 })
 * const verifier = new Verifier({ store, keys, issuer: 'https://auth.example.com', audience: 'api' })
 * const auth = createAuthHandler({ issuer, verifier })
 *
 * export default { fetch: async (request: Request) => (await auth(request)) ?? new Response('not found', { status: 404 }) }
 * ```
 *
 * @packageDocumentation
 */
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
export type { IssuerOptions } from './issuerOptions'
export type { RefreshFailureReason, RefreshResult, RefreshTokenStatus, TokenPair } from './refreshResult'
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

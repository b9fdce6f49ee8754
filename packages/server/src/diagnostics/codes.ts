// The entry's shape is every tokenlife package's (the troubleshooting generator reads them all): a type-only import,
// erased from the build, so the server still shares no runtime code with the browser packages.
import type { DiagnosticEntry as AnyEntry } from '@tokenlife/core'

/** An entry of the server's table: the server has one build, which makes every check, so every entry is `'kept'`. */
type DiagnosticEntry = AnyEntry & { readonly production: 'kept' }

/** How the JWT-secret messages end: how to make a good one. */
const secretFix = 'Use 32 random bytes, e.g. TOKENLIFE_JWT_SECRET="$(openssl rand -base64 32)", or leave it unset for a random secret per start.'

/** A bad signing key refused by `createKeyRing()`: the ring is not made, nothing is signed with it. */
const signingKey = (title: string, message: DiagnosticEntry['message'], cause: string, fix: string): DiagnosticEntry => ({
  kind: 'error',
  raises: 'TypeError',
  title,
  message,
  meaning: '`createKeyRing()` rejected its keys: the issuer cannot be created, so the server does not start with a ring it could not publish or verify consistently.',
  cause,
  fix,
  production: 'kept',
})

/**
 * Every error `@tokenlife/server` throws to its caller and every message it logs, by code: TL60x the options of
 * `Issuer`, `Verifier` and `createAuthHandler`; TL61x signing keys and secrets; TL62x the stores; TL63x what the
 * handler logs. The one table the messages and the troubleshooting page are made from. (What the HTTP endpoints
 * answer is the contract's OAuth `error` in the JSON body, not a code: see docs/server.md, "The contract".)
 */
export const diagnostics = {
  TL601: {
    kind: 'error',
    raises: 'TypeError',
    title: '`Issuer` or `Verifier` created without `issuer` or `audience`',
    message: (who?: string) => `the ${who} needs \`issuer\` and \`audience\``,
    meaning: 'Every access token carries the `iss` and `aud` claims, and the verifier refuses a token whose claims are not exactly these. Without them nothing could be issued or verified.',
    cause: 'An environment variable that was not set, or the options of one of the two left out when the other was configured.',
    fix: "Pass the same non-empty `issuer` (your auth server's URL, e.g. `'https://auth.example.com'`) and `audience` (the API, e.g. `'api'`) to the `Issuer` and to every `Verifier`.",
    production: 'kept',
  },
  TL602: {
    kind: 'error',
    raises: 'TypeError',
    title: 'An `Issuer` lifetime is not a positive number of seconds',
    message: (name?: string, value?: unknown, zero?: unknown) =>
      `${name} must be a ${zero ? 'non-negative' : 'positive'} number of seconds, got ${String(value)}`,
    meaning: '`accessTokenTtlSeconds`, `refreshTokenTtlSeconds` and `sessionMaxAgeSeconds` must be above 0, `retryWindowSeconds` 0 or above, all finite numbers. The message names the option.',
    cause: 'Milliseconds where seconds are expected gone negative, a string read from the environment without `Number()`, or `NaN` from a failed parse.',
    fix: 'Pass seconds as numbers: `accessTokenTtlSeconds: 300`, `retryWindowSeconds: 30`. See [choosing the bounds](./server.md#choosing-the-bounds).',
    production: 'kept',
  },
  TL603: {
    kind: 'error',
    raises: 'TypeError',
    title: '`Verifier`: `maxStalenessMs` is not a positive number',
    message: (_subject?: string, value?: unknown) => `maxStalenessMs must be positive, got ${String(value)}`,
    meaning: 'The staleness bound is how old the verifier’s view of revocations may be before it stops trusting its cache (milliseconds). A bound of 0 or below would make every request a store round trip or a 503.',
    cause: 'Seconds where milliseconds are expected rounded to 0, or a value read from the environment that was empty.',
    fix: 'Leave it out (5000 ms) or pass a positive number of milliseconds. See [choosing the bounds](./server.md#choosing-the-bounds).',
    production: 'kept',
  },
  TL604: {
    kind: 'error',
    raises: 'TypeError',
    title: 'A rate limit is not a positive integer',
    message: (_subject?: string, value?: unknown) => `the rate limit must be a positive integer, got ${String(value)}`,
    meaning: 'A `FailureRateLimiter` (and so `createAuthHandler()`, whose `loginRateLimit.perEmail`, `loginRateLimit.perIp` and `passwordRateLimit` make three of them) needs a whole number of failures to allow per window.',
    cause: '`0` meant as "no limit", a fraction, or a string from the environment.',
    fix: 'Pass a whole number of at least 1 (defaults: 5 per email, 20 per IP, 5 per user for password changes). There is no "off": use a large number if another layer limits attempts.',
    production: 'kept',
  },
  TL605: {
    kind: 'error',
    raises: 'TypeError',
    title: 'A rate-limit window is not a positive duration',
    message: (_subject?: string, value?: unknown) => `the rate-limit window must be a positive number, got ${String(value)}`,
    meaning: 'The sliding window over which failures are counted must be a positive duration. The value shown is in milliseconds (`FailureRateLimiter`’s `windowMs`; `createAuthHandler()` passes `loginRateLimit.windowSeconds × 1000`).',
    cause: '`loginRateLimit.windowSeconds` of 0, negative, or not a number.',
    fix: 'Leave `windowSeconds` out (60) or pass a positive number of seconds.',
    production: 'kept',
  },
  TL606: {
    kind: 'error',
    raises: 'TypeError',
    title: 'An `allowedOrigins` entry is not an origin',
    message: (_subject?: string, entry?: unknown) => `allowedOrigins entries must be origins like "https://app.example.com", got ${JSON.stringify(entry)}`,
    meaning: '`createAuthHandler()` refused its `allowedOrigins`: the list decides which other sites’ pages may POST to the auth endpoints (the CSRF check), so an entry that could never match a browser’s `Origin` is an error, not a silent no-op.',
    cause: 'A host without a scheme (`localhost:5173`), a wildcard (`*`), or another scheme than http(s).',
    fix: 'Write each entry as the browser sends `Origin`: scheme, host and port, e.g. `"https://app.example.com"`, `"http://localhost:5173"`.',
    production: 'kept',
  },
  TL607: {
    kind: 'error',
    raises: 'TypeError',
    title: 'An `allowedOrigins` entry is not bare: a path, a query, credentials or the default port',
    message: (_subject?: string, entry?: unknown, origin?: unknown) =>
      `allowedOrigins entries must be bare origins (no path, query or credentials), got ${JSON.stringify(entry)}; use "${String(origin)}"`,
    meaning: 'A browser’s `Origin` header never has a path and never writes out the default port, so such an entry would never match. The message gives the origin it probably meant.',
    cause: 'The URL of the app’s page (`https://app.example.com/app/`) instead of its origin, or the default port written out (`https://app.example.com:443`).',
    fix: 'Use the corrected form the message gives, e.g. `"https://app.example.com"`.',
    production: 'kept',
  },
  TL611: signingKey(
    '`createKeyRing()` was given no keys',
    () => 'a key ring needs at least one key (see generateSigningKey)',
    'An empty array, e.g. `TOKENLIFE_SIGNING_KEYS` parsed to `[]`.',
    'Generate a key with `generateSigningKey()` (or `pnpm --filter @tokenlife/example-server keygen`), keep it secret, and pass it: `createKeyRing([key])`.',
  ),
  TL612: signingKey(
    'A signing key has no `kid`',
    () => 'every signing key needs a kid',
    'A JWK exported by another tool, which does not set `kid`.',
    'Give every key a unique `kid` (verifiers pick the key by it, and key rotation needs it); `generateSigningKey(alg, kid)` sets one.',
  ),
  TL613: signingKey(
    'A signing key’s `alg` is not `EdDSA` or `ES256`',
    (kid?: string, alg?: unknown) => `signing key ${kid} has alg ${String(alg)}; use EdDSA or ES256`,
    'An RSA key (`RS256`), an HMAC key, or a JWK without `alg`.',
    "Use an Ed25519 (`EdDSA`) or P-256 (`ES256`) key with its `alg` set: `generateSigningKey('EdDSA')`. For one process, `createSecretKeyRing()` signs with HS256 instead.",
  ),
  TL614: signingKey(
    'A signing key has no private part',
    (kid?: string) => `signing key ${kid} has no private part (d)`,
    'The public JWK (as served at the JWKS endpoint) was passed where the private one is needed.',
    'Pass the private JWK (with `d`) to the issuer’s ring. API servers that only verify need no ring: give their `Verifier` the JWKS or its URL.',
  ),
  TL615: signingKey(
    'Two signing keys have the same `kid`',
    (kid?: string) => `two signing keys have the kid ${kid}`,
    'A key listed twice, or a new key generated with an old key’s `kid`.',
    'Give every key its own `kid`. To rotate, add the new key with a new `kid` (see [rotating keys](./server.md#rotating-keys)).',
  ),
  TL616: signingKey(
    '`signWith` names no key of the ring',
    (kid?: string) => `signWith names no key of the ring: ${kid}`,
    'A `kid` that was removed from the keys, or a typo.',
    'Pass the `kid` of one of the ring’s keys, or leave `signWith` out to sign with the first key.',
  ),
  TL617: {
    kind: 'error',
    raises: 'TypeError',
    title: 'The HS256 secret is too short',
    message: (_subject?: string, bytes?: unknown, minimum?: unknown) =>
      `the JWT secret (jwtSecret / TOKENLIFE_JWT_SECRET) must be at least ${String(minimum)} bytes, got ${String(bytes)}. ${secretFix}`,
    meaning: '`createSecretKeyRing()` refused the secret: an HS256 key shorter than the hash (32 bytes, RFC 7518 §3.2) can be brute-forced offline from any token, and whoever finds it can sign tokens for any user.',
    cause: 'A password-like string or a placeholder (`"secret"`, `"changeme"`) as the secret.',
    fix: 'Use 32 random bytes: `openssl rand -base64 32`, or `randomSecret()` for a secret that lives as long as the process.',
    production: 'kept',
  },
  TL618: {
    kind: 'error',
    raises: 'TypeError',
    title: 'The HS256 secret looks guessable',
    message: (_subject?: string, bits?: unknown, bytes?: unknown, minimum?: unknown) =>
      `the JWT secret (jwtSecret / TOKENLIFE_JWT_SECRET) looks guessable: about ${String(bits)} bits of entropy in ${String(bytes)} bytes, at least ${String(minimum)} needed. ${secretFix}`,
    meaning: 'The secret is long enough but visibly not random (a repeated character, word or block, a run such as `abcdef…`, a short hex string), so it is far easier to guess than its length suggests. `estimateSecretEntropyBits()` gives the estimate.',
    cause: '`"x".repeat(64)`, a word repeated to reach the length, or 16 random bytes written as 32 hex digits.',
    fix: 'Use 32 random bytes: `openssl rand -base64 32` (64 random hex digits also pass).',
    production: 'kept',
  },
  TL619: {
    kind: 'error',
    raises: 'TypeError',
    title: 'The DPoP nonce secret is too short',
    message: (_subject?: string, bytes?: unknown) => `the DPoP nonce secret (DpopNonces secret / TOKENLIFE_DPOP_NONCE_SECRET) must have at least 32 bytes, got ${String(bytes)}`,
    meaning: '`new DpopNonces({ secret })` refused the secret: a nonce is an HMAC of its time step under it, and a short secret could be found from the nonces a server hands out, after which anyone could make proofs ahead of time with nonces the servers accept.',
    cause: 'A password-like string or a placeholder as `TOKENLIFE_DPOP_NONCE_SECRET`.',
    fix: 'Use 32 random bytes (`openssl rand -base64 32`), the same on every instance; or leave `secret` out for one process (32 random bytes).',
    production: 'kept',
  },
  TL620: {
    kind: 'error',
    raises: 'TypeError',
    title: 'The DPoP nonce step is not a positive number of seconds',
    message: (_subject?: string, value?: unknown) => `DpopNonces stepSeconds must be a positive number of seconds, got ${String(value)}`,
    meaning: '`new DpopNonces({ stepSeconds })` refused the value: it is how long one nonce is handed out (the previous one is accepted for as long again).',
    cause: 'Milliseconds where seconds were meant (then it is too long, not refused), `0`, a negative number, or a string from the environment not converted.',
    fix: 'Pass a number of seconds above 0, e.g. `60` (the default).',
    production: 'kept',
  },
  TL621: {
    kind: 'error',
    raises: 'Error',
    title: 'A user with this email already exists',
    message: (email?: string) => `user ${email} already exists`,
    meaning: '`createUser()` (and `AuthStore.createUser()`) did not create the user: emails are unique after normalization (trimmed, lower case). Nothing was written.',
    cause: 'A sign-up with a taken email, or several instances seeding the same user at start.',
    fix: 'Catch it by `error.code === \'TL621\'` and answer "email taken", or treat it as done when seeding (what `examples/server` does).',
    production: 'kept',
  },
  TL622: {
    kind: 'error',
    raises: 'Error',
    title: 'No user to bump the token version of',
    message: (userId?: string) => `no user ${userId}`,
    meaning: '`AuthStore.bumpTokenVersion()` found no user with this id, so no version changed and nothing was published to the verifiers. (`Issuer.endAllSessions()` does nothing for an unknown user instead.)',
    cause: 'A deleted user, or an id from another system (an email where the id is expected).',
    fix: 'Pass the user’s `id` (the access token’s `sub`). To end the sessions of a user who may be gone, use `Issuer.endAllSessions()`.',
    production: 'kept',
  },
  TL623: {
    kind: 'error',
    raises: 'Error',
    title: 'The Redis change feed is not connected',
    message: () => 'the Redis change feed is not connected',
    meaning: '`RedisStore.heartbeat()` cannot prove that every published revocation was delivered: its subscriber connection is down. A `Verifier` takes this as a missed heartbeat; past its `maxStalenessMs` it checks each token at the store or answers 503, never accepts unchecked.',
    cause: 'Redis restarting or unreachable, a network partition, or the subscriber connection killed (`CLIENT KILL`). ioredis reconnects on its own, and the verifier re-reads every revocation when it does.',
    fix: 'Nothing, if it is brief. If it lasts, check that Redis is reachable from this instance and that the connection is not limited by `maxclients` or a proxy that drops idle pub/sub connections.',
    production: 'kept',
  },
  TL631: {
    kind: 'warning',
    raises: 'console.error',
    title: 'An auth request failed unexpectedly and was answered with 503',
    message: (_subject?: string, method?: unknown, url?: unknown) =>
      `unexpected error in ${String(method)} ${String(url)}; answered 503 temporarily_unavailable`,
    meaning: 'The handler’s default `onError` printed this. Something other than a refused request failed: most often the store (Redis down or slow past `commandTimeoutMs`). The client got `503 temporarily_unavailable` with `Retry-After: 1`, which tokenlife’s SDK treats as transient: it keeps the session and retries. The error follows the message.',
    cause: 'Redis unreachable or timing out, or a custom store or `claims` function that threw.',
    fix: 'Look at the error printed after the message. Pass `onError` to `createAuthHandler()` to send these to your logger instead of the console.',
    production: 'kept',
  },
} as const satisfies Record<`TL6${number}`, DiagnosticEntry>

/** A code of `@tokenlife/server`. */
export type ServerCode = keyof typeof diagnostics

import type { WireRequest } from '../wireFormat'
import type { TokenClaims } from '../authState'
import type { AccessTokenInfo } from '../tokens'

/** A DPoP key pair of the session (option `dpop: true`), as IndexedDB holds it for every tab of the origin. */
export interface DpopKey {
  /** The JWK SHA-256 thumbprint (RFC 7638) of the public key: what tokens bound to it carry as `cnf.jkt`. */
  readonly jkt: string
  /** P-256 (ES256): a private key that cannot be exported (`extractable: false`), and its public key. */
  readonly keyPair: CryptoKeyPair
}

/** A key as a tab signs with it: a {@link DpopKey} with the encoded header of its proofs. */
export interface StoredDpopKey extends DpopKey {
  /** The encoded header of its proofs (it names the public key). */
  readonly header: string
  /** Device ms when it was made. */
  readonly createdAt: number
}

/** What a proof is for: the request's method and URL, and the access token it carries, if any. */
export interface DpopProofRequest {
  /** `GET`, `POST`, …: the proof's `htm`. */
  method: string
  /** The absolute URL; the proof's `htu` is it without query and fragment. */
  url: string
  /** The access token the request carries: its hash becomes the proof's `ath`. */
  accessToken?: string
}

/**
 * What the HTTP helpers need to send a request with a DPoP-bound token ({@link AuthHost.dpop}): a proof, and the
 * servers' nonces.
 */
export interface DpopSigner {
  /**
   * A proof (the value of the `DPoP` header) for a request carrying `request.accessToken`, signed with the key that
   * token is bound to, with the last nonce its server gave any tab. Without `accessToken`, signed with the
   * session's key. Rejects (TL450) for a token that is not this session's, (TL352) when its key is gone.
   */
  proof(request: DpopProofRequest): Promise<string>
  /**
   * Remembers the `DPoP-Nonce` of an answer from `url`'s server, for the next proofs of every tab. Resolves `true`
   * when the answer asked for a nonce and gave one (a 401 with `WWW-Authenticate: DPoP error="use_dpop_nonce"`):
   * send the request once more, with a new proof.
   */
  learnNonce(url: string, response: Response): Promise<boolean>
}

/**
 * A client's DPoP keys and proofs (`auth.dpop`, with `dpop: true`), for a sign-in that binds its first tokens
 * (`@tokenlife/oauth`) and for requests an app signs itself. The keys live in IndexedDB (database `tokenlife-dpop`),
 * shared by every tab of the origin; their private keys cannot be exported.
 *
 * @example
 * ```ts
 * const key = await auth.dpop!.createKey() // before the authorization request: dpop_jkt=key.jkt
 * // … the code exchange, signed with key.keyPair (oauth4webapi's DPoP handle) …
 * auth.setTokens({ accessToken, refreshToken, expiresIn, dpopJkt: key.jkt })
 * ```
 */
export interface AuthDpop extends DpopSigner {
  /**
   * A new key pair for a session about to start (a sign-in sends its thumbprint as `dpop_jkt` and signs the code
   * exchange with it), stored for every tab; a session is bound to it by `setTokens({ dpopJkt })`. A key no session
   * was bound to goes after an hour, and a logout deletes every key. Rejects with TL350 where the page has no Web
   * Crypto or IndexedDB.
   */
  createKey(): Promise<DpopKey>
  /** The stored key `jkt`; without `jkt`, the key the session is bound to. `undefined` when there is none. */
  key(jkt?: string): Promise<DpopKey | undefined>
}

/** Why a token is not bound to a key, and the code that says so. */
export interface BindingProblem {
  code: 'TL250' | 'TL251'
  problem: string
}

/** What the DPoP chunk reads of the session it serves. */
export interface DpopHost {
  /** The server's clock as this tab knows it, epoch ms (a proof's `iat`). */
  serverNow(): number
  /** The thumbprint of the key the session's current token is bound to. */
  sessionJkt(): string | undefined
  /** The thumbprint of the key `accessToken` is bound to, when it is (or lately was) this tab's token. */
  bindingOf(accessToken: string): string | undefined
}

/**
 * The engine's side of DPoP (RFC 9449), and `auth.dpop`: the session's key in IndexedDB, proofs, the servers'
 * nonces, the binding checks. Made only for a client with `dpop: true`, as a proxy: every method loads the chunk that
 * does the work (Web Crypto, IndexedDB) on first use, so an app without `dpop: true` never loads it.
 */
export interface Dpop extends AuthDpop {
  /** The loaded chunk, for the checks that must be synchronous (`setTokens()`); `undefined` until it is loaded. */
  loaded(): DpopAgentApi | undefined
  /**
   * The key a refresh is signed with: the one the session is bound to in IndexedDB, else the key this tab knows the
   * session by (bound again), else a new one bound to the session. Called holding the refresh lock: no two tabs
   * make a key for one session.
   */
  refreshKey(): Promise<DpopKey>
  /** Binds the session to `jkt` (a new session); the key of the session it replaces is deleted. */
  bind(jkt: string): Promise<void>
  /** Deletes the key `jkt` (its session ended), and the binding if it names it. */
  forget(jkt: string): Promise<void>
  /** Deletes every key made at or before `at` (a logout ends every session started until then). */
  forgetBefore(at: number): Promise<void>
  /** `request` with a `DPoP` proof by `key` (with the last nonce of its server). */
  sign(request: WireRequest, key: DpopKey): Promise<WireRequest>
  /**
   * What a signed `request` came to: `answer`, or, when it asked for a nonce and gave one, the answer to `sendAgain`
   * (once: the server refused the first before it used anything), which signs the request again, now with that
   * nonce, and sends it. Every answer's nonce is remembered for the next proofs of every tab.
   */
  afterAnswer(request: WireRequest, answer: Response, sendAgain: () => Promise<Response>): Promise<Response>
  /** `request` signed with `key` and sent with `send`, a nonce asked for answered once (see `afterAnswer`). */
  send(request: WireRequest, key: DpopKey, send: (signed: WireRequest) => Promise<Response>): Promise<Response>
  /** Why a token endpoint's answer is not bound to `jkt`, if it is not. */
  problem(claims: TokenClaims | undefined, tokenType: string | undefined, jkt: string): Promise<BindingProblem | undefined>
  /** Whether a persisted access token may be restored: bound to `jkt`, a key that still exists. */
  restorable(accessToken: string, jkt: string | undefined): Promise<boolean>
  /** Whether the session is bound now to another key than `jkt` (a new session's, bound by another tab). */
  rebound(jkt: string): Promise<boolean>
}

/**
 * What the DPoP chunk borrows from the main bundle, handed over when it is made: a chunk that imported them would
 * make a bundler split them into a chunk of their own, which every app would then load up front.
 */
export interface DpopKit {
  /** A coded `TokenlifeError` (`tokenlifeError`). */
  fail(code: 'TL350' | 'TL351' | 'TL352' | 'TL450', options?: { transient?: boolean; cause?: unknown }): Error
  /** Throws the `TypeError` of bad input (`invalid`). */
  invalid(code: 'TL161' | 'TL162' | 'TL163', subject: string, details?: readonly unknown[]): never
  /** A JWT's claims, `undefined` for an opaque token (`decodeClaims`). */
  decodeClaims(accessToken: string): TokenClaims | undefined
  /** A `WWW-Authenticate` challenge's params (`parseChallenge`). */
  parseChallenge(header: string | null, scheme: 'dpop'): Record<string, string> | undefined
}

/** What the loaded chunk answers synchronously. */
export interface DpopAgentApi {
  /** The token of `setTokens()` bound to its key, or a `TypeError` (TL161–TL163). */
  bindInput(info: AccessTokenInfo, dpopJkt: string | undefined): AccessTokenInfo
}

import type { TokenClaims } from '../authState'
import type { Environment } from '../ports'
import type { AccessTokenInfo } from '../tokens'
import type { WireRequest } from '../wireFormat'
import { asksForNonce } from './asksForNonce'
import type { BindingProblem, Dpop, DpopHost, DpopKey, DpopKit, DpopProofRequest, StoredDpopKey } from './dpop'
import { DpopKeyStore, webCrypto } from './dpopKeyStore'
import { DpopNonces } from './dpopNonces'
import { signProof } from './dpopProof'
import { bindingProblem } from './tokenBinding'

/**
 * The work of {@link Dpop}, in a chunk loaded with the first key or proof a client with `dpop: true` needs: keys in
 * IndexedDB ({@link DpopKeyStore}), proofs signed with Web Crypto (`iat` on the server's clock), the servers' nonces
 * ({@link DpopNonces}), and the binding checks.
 */
export class DpopAgent implements Omit<Dpop, 'loaded'> {
  readonly #keys: DpopKeyStore
  readonly #nonces: DpopNonces
  readonly #host: DpopHost
  readonly #kit: DpopKit

  constructor(env: Environment, namespace: string, host: DpopHost, kit: DpopKit) {
    this.#keys = new DpopKeyStore(namespace, env.now, kit)
    this.#nonces = new DpopNonces(env.sharedMarks, namespace)
    this.#host = host
    this.#kit = kit
  }

  createKey = (): Promise<DpopKey> => this.#keys.create(false)
  bind = (jkt: string): Promise<void> => this.#keys.bind(jkt)
  forget = (jkt: string): Promise<void> => this.#keys.forget(jkt)
  forgetBefore = (at: number): Promise<void> => this.#keys.forgetBefore(at)

  key(jkt = this.#host.sessionJkt()): Promise<DpopKey | undefined> {
    return jkt === undefined ? this.#keys.session() : this.#keys.key(jkt)
  }

  async refreshKey(): Promise<DpopKey> {
    const bound = await this.#keys.session()
    if (bound) return bound
    const jkt = this.#host.sessionJkt()
    const known = jkt === undefined ? undefined : await this.#keys.key(jkt)
    if (!known) return this.#keys.create(true)
    await this.#keys.bind(known.jkt)
    return known
  }

  async sign(request: WireRequest, key: DpopKey): Promise<WireRequest> {
    const proof = await this.#proofBy(key, { method: request.init.method ?? 'GET', url: request.url })
    // Headers as entries: msw's Node interceptor loses headers of a `Headers` that was copied after a `set()`.
    const headers: [string, string][] = [...new Headers(request.init.headers)].filter(([name]) => name !== 'dpop')
    headers.push(['DPoP', proof])
    return { url: request.url, init: { ...request.init, headers } }
  }

  async afterAnswer(request: WireRequest, answer: Response, sendAgain: () => Promise<Response>): Promise<Response> {
    if (!this.#nonces.learn(request.url, answer) || !(await asksForNonce(answer, this.#kit))) return answer
    const again = await sendAgain()
    this.#nonces.learn(request.url, again)
    return again
  }

  async send(request: WireRequest, key: DpopKey, send: (signed: WireRequest) => Promise<Response>): Promise<Response> {
    const signAndSend = async () => send(await this.sign(request, key))
    return this.afterAnswer(request, await signAndSend(), signAndSend)
  }

  async proof(request: DpopProofRequest): Promise<string> {
    const jkt = request.accessToken === undefined ? this.#host.sessionJkt() : this.#host.bindingOf(request.accessToken)
    if (jkt === undefined) throw this.#kit.fail('TL450')
    const key = await this.#keys.key(jkt)
    if (!key) throw this.#kit.fail('TL352')
    return this.#proofBy(key, request)
  }

  async learnNonce(url: string, response: Response): Promise<boolean> {
    return this.#nonces.learn(url, response) && this.#kit.parseChallenge(response.headers.get('WWW-Authenticate'), 'dpop')?.error === 'use_dpop_nonce'
  }

  async problem(claims: TokenClaims | undefined, tokenType: string | undefined, jkt: string): Promise<BindingProblem | undefined> {
    return bindingProblem(claims, tokenType, jkt)
  }

  async restorable(accessToken: string, jkt: string | undefined): Promise<boolean> {
    let claims
    try {
      claims = this.#kit.decodeClaims(accessToken)
    } catch {
      return false
    }
    if (jkt === undefined || bindingProblem(claims, 'trusted', jkt)) return false
    return (await this.#keys.key(jkt).catch(() => undefined)) !== undefined
  }

  async rebound(jkt: string): Promise<boolean> {
    const bound = await this.#keys.session().catch(() => undefined)
    return bound !== undefined && bound.jkt !== jkt
  }

  /**
   * The token of `setTokens()` bound to its DPoP key: `dpopJkt`, or the key of the session it continues (a token
   * the app obtained with the session's proofs, e.g. after a password change). The key must be one this tab holds,
   * and a JWT must be bound to it (`cnf.jkt`; an opaque token on the app's word). A `TypeError` otherwise.
   */
  bindInput(info: AccessTokenInfo, dpopJkt: string | undefined): AccessTokenInfo {
    const current = this.#host.sessionJkt()
    const { invalid } = this.#kit
    const jkt = dpopJkt ?? current ?? invalid('TL161', 'setTokens()')
    if (typeof jkt !== 'string' || (jkt !== current && !this.#keys.cached(jkt))) invalid('TL162', 'setTokens()', [jkt])
    const found = bindingProblem(this.#kit.decodeClaims(info.accessToken), 'trusted', jkt)
    if (found) invalid('TL163', 'setTokens()', [found.problem])
    return { ...info, dpopJkt: jkt }
  }

  #proofBy(key: DpopKey, request: DpopProofRequest): Promise<string> {
    const stored = this.#keys.cached(key.jkt) ?? (key as StoredDpopKey)
    const issuedAt = Math.floor(this.#host.serverNow() / 1000)
    return signProof(webCrypto(this.#kit), stored, { ...request, nonce: this.#nonces.get(request.url), issuedAt })
  }
}

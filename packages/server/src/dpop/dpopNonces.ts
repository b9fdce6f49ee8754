import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import { invalid } from '../diagnostics/diagnostic'

/** Options of {@link DpopNonces}. */
export interface DpopNoncesOptions {
  /**
   * The secret every instance of a deployment shares (at least 32 bytes; a string is read as UTF-8): a nonce one
   * instance issued is accepted by the others. Default: 32 random bytes, for one process only.
   */
  secret?: string | Uint8Array
  /** How long one nonce is handed out, seconds; the previous one is accepted for as long again. Default: 60. */
  stepSeconds?: number
  /** The clock, epoch ms. Default: `Date.now`. */
  now?: () => number
}

/**
 * Server-issued DPoP nonces (RFC 9449 §8, §9), stateless: a nonce is the time step it was issued in and an HMAC of it
 * under a shared secret, so every instance issues and accepts the same ones without a store. `current()` is the
 * nonce to send in `DPoP-Nonce`; `accepts(nonce)` holds for the current step's and the previous one's.
 *
 * @example
 * ```ts
 * const nonces = new DpopNonces({ secret: process.env.DPOP_NONCE_SECRET })
 * const handler = createAuthHandler({ issuer, verifier, dpop: { nonces } })
 * ```
 */
export class DpopNonces {
  readonly #secret: Uint8Array
  readonly #stepMs: number
  readonly #now: () => number

  constructor(options: DpopNoncesOptions = {}) {
    const secret = options.secret ?? randomBytes(32)
    this.#secret = typeof secret === 'string' ? new TextEncoder().encode(secret) : secret
    if (this.#secret.byteLength < 32) invalid('TL619', undefined, this.#secret.byteLength)
    const stepSeconds = options.stepSeconds ?? 60
    if (!(stepSeconds > 0)) invalid('TL620', undefined, stepSeconds)
    this.#stepMs = stepSeconds * 1000
    this.#now = options.now ?? Date.now
  }

  /** The nonce of the current step: what `DPoP-Nonce` carries. */
  current(): string {
    return this.#nonce(Math.floor(this.#now() / this.#stepMs))
  }

  /** Whether `nonce` is the current step's or the previous one's. */
  accepts(nonce: unknown): boolean {
    if (typeof nonce !== 'string') return false
    const step = Math.floor(this.#now() / this.#stepMs)
    const given = Buffer.from(nonce)
    return [step, step - 1].some((candidate) => {
      const expected = Buffer.from(this.#nonce(candidate))
      return expected.length === given.length && timingSafeEqual(expected, given)
    })
  }

  #nonce(step: number): string {
    const mac = createHmac('sha256', this.#secret).update(`tokenlife-dpop-nonce:${step}`).digest('base64url').slice(0, 22)
    return `${step.toString(36)}.${mac}`
  }
}

import type { SharedMarksPort } from '../ports'

/** How many servers' nonces are remembered (the token endpoint, the revocation endpoint, a few APIs). */
const MAX_ORIGINS = 16

/** The origin of `url`, or `undefined` when it does not parse. */
const originOf = (url: string): string | undefined => {
  try {
    return new URL(url).origin
  } catch {
    return undefined
  }
}

/**
 * The DPoP nonces servers handed out (RFC 9449 §8, §9: the `DPoP-Nonce` header), one per server origin: in this
 * tab's memory and in a shared mark (`tokenlife:<namespace>:dpop_nonce`, `localStorage` by default), so a nonce one
 * tab learnt is in the next proof of every tab without a `use_dpop_nonce` round trip of its own. A nonce is not a
 * secret: the server sends it to whoever asks.
 */
export class DpopNonces {
  readonly #marks: SharedMarksPort | undefined
  readonly #key: string
  readonly #memory = new Map<string, string>()

  constructor(marks: SharedMarksPort | undefined, namespace: string) {
    this.#marks = marks
    this.#key = `tokenlife:${namespace}:dpop_nonce`
  }

  /** The nonce to put in the next proof for a request to `url`: the last one its server handed to any tab. */
  get(url: string): string | undefined {
    const origin = originOf(url)
    if (origin === undefined) return undefined
    return this.#shared()[origin] ?? this.#memory.get(origin)
  }

  /**
   * Remembers the `DPoP-Nonce` of `response` (a server may send a new one with any answer); says whether it had
   * one. A `use_dpop_nonce` challenge without a nonce teaches nothing: retrying it would not help.
   */
  learn(url: string, response: Response): boolean {
    const nonce = response.headers.get('DPoP-Nonce')
    const origin = originOf(url)
    if (!nonce || origin === undefined) return false
    if (this.get(url) !== nonce) {
      this.#memory.set(origin, nonce)
      const shared = { ...this.#shared(), [origin]: nonce }
      const kept = Object.entries(shared).slice(-MAX_ORIGINS)
      try {
        this.#marks?.set(this.#key, JSON.stringify(Object.fromEntries(kept)))
      } catch {
        // A mark is a hint: without it other tabs learn the nonce from their own first round trip.
      }
    }
    return true
  }

  #shared(): Record<string, string> {
    try {
      const value: unknown = JSON.parse(this.#marks?.get(this.#key) ?? '{}')
      return typeof value === 'object' && value !== null ? (value as Record<string, string>) : {}
    } catch {
      return {}
    }
  }
}

import { invalid } from './diagnostics/diagnostic'
import type { OAuthEnvironment } from './environment'

/** A sign-in this tab began: what its callback is checked against. Lives in this tab's sessionStorage only. */
export interface Transaction {
  state: string
  codeVerifier: string
  nonce: string
  redirectUri: string
  /** Where to go after the sign-in: a path on this origin. */
  returnTo: string
  /** The `max_age` sent, when one was (the ID token's `auth_time` is checked against it). */
  maxAge?: number
  /** DPoP: the thumbprint of the key the sign-in's tokens are bound to (`dpop_jkt`); the key is in IndexedDB. */
  dpopJkt?: string
  createdAt: number
}

/** How a callback's `state` relates to what this origin's tabs began. */
export type StateRecord = 'begun' | 'used'

/** A transaction older than this was abandoned (the user never came back): it is dropped. */
const ABANDONED_MS = 60 * 60_000
/** How long the marks of states begun and used are kept, and how many at most. */
const MARK_MS = 24 * 60 * 60_000
const MAX_MARKS = 50

type Marks = Record<string, { at: number; used: boolean }>

const encoder = new TextEncoder()

/** The SHA-256 of a state, base64url: the marks name states without holding them. */
async function digest(state: string): Promise<string> {
  const bytes = new Uint8Array(await crypto.subtle.digest('SHA-256', encoder.encode(state)))
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

/**
 * The sign-in transactions of one client. The transaction itself (PKCE verifier, nonce) is this tab's secret, in its
 * sessionStorage: a callback opened in another tab cannot use it. The origin's storage keeps only marks, hashes of
 * the states begun and used, to tell "begun in another tab" and "handled already" from a forged state.
 */
export class TransactionStore {
  readonly #env: OAuthEnvironment
  readonly #key: string
  readonly #marksKey: string

  constructor(env: OAuthEnvironment, namespace: string) {
    this.#env = env
    this.#key = `tokenlife:${namespace}:oauth:transaction`
    this.#marksKey = `tokenlife:${namespace}:oauth:states`
  }

  /** Records a new sign-in; one begun earlier in this tab and never finished is abandoned. */
  async begin(transaction: Transaction): Promise<void> {
    const storage = this.#env.tabStorage()
    if (!storage) invalid('TL512')
    const mark = await digest(transaction.state)
    storage.setItem(this.#key, JSON.stringify(transaction))
    this.#updateMarks((marks) => {
      marks[mark] = { at: this.#env.now(), used: false }
    })
  }

  /** This tab's open transaction, if any (one older than an hour was abandoned and is dropped). */
  current(): Transaction | undefined {
    const storage = this.#env.tabStorage()
    let transaction: Transaction | undefined
    try {
      const raw = storage?.getItem(this.#key)
      transaction = raw ? (JSON.parse(raw) as Transaction) : undefined
    } catch {
      transaction = undefined
    }
    if (!transaction || typeof transaction.state !== 'string' || typeof transaction.codeVerifier !== 'string') return undefined
    if (!(this.#env.now() - transaction.createdAt < ABANDONED_MS)) {
      storage?.removeItem(this.#key)
      return undefined
    }
    return transaction
  }

  /** What the origin's marks know of `state`: begun (in some tab), used already, or nothing. */
  async record(state: string): Promise<StateRecord | undefined> {
    const mark = this.#readMarks()[await digest(state)]
    return mark === undefined ? undefined : mark.used ? 'used' : 'begun'
  }

  /** The callback answered `transaction`: it is gone from this tab, and its state is marked used for every tab. */
  async finish(transaction: Transaction): Promise<void> {
    this.#env.tabStorage()?.removeItem(this.#key)
    const mark = await digest(transaction.state)
    this.#updateMarks((marks) => {
      marks[mark] = { at: this.#env.now(), used: true }
    })
  }

  #readMarks(): Marks {
    try {
      const raw = this.#env.sharedStorage()?.getItem(this.#marksKey)
      const marks = raw ? (JSON.parse(raw) as unknown) : {}
      return typeof marks === 'object' && marks !== null ? (marks as Marks) : {}
    } catch {
      return {}
    }
  }

  #updateMarks(change: (marks: Marks) => void): void {
    const now = this.#env.now()
    const marks = this.#readMarks()
    change(marks)
    const kept = Object.entries(marks)
      .filter(([, mark]) => typeof mark?.at === 'number' && now - mark.at < MARK_MS)
      .sort(([, a], [, b]) => b.at - a.at)
      .slice(0, MAX_MARKS)
    try {
      this.#env.sharedStorage()?.setItem(this.#marksKey, JSON.stringify(Object.fromEntries(kept)))
    } catch {
      // Marks only sharpen the error a stray callback gets; without them it is a CallbackStateError.
    }
  }
}

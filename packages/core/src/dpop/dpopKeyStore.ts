import { createStore, promisifyRequest, type UseStore } from 'idb-keyval'
import type { DpopKit, StoredDpopKey } from './dpop'
import { base64url, proofHeader } from './dpopProof'

/** The public half of a key as the proof's header names it. */
interface PublicJwk {
  kty: string
  crv: string
  x: string
  y: string
}

/** One key as IndexedDB holds it: the `CryptoKey` objects themselves (structured clone), never key material. */
interface KeyRecord {
  jkt: string
  keyPair: CryptoKeyPair
  jwk: PublicJwk
  /** Device ms: a logout ends what was created until it; an abandoned sign-in's key is dropped after an hour. */
  createdAt: number
}

/** A key that no session is bound to (a sign-in that never came back) is dropped after this long. */
const ABANDONED_MS = 60 * 60_000

const encoder = new TextEncoder()

/** The Web Crypto this page has; a coded error (no retry will help) where there is none (an insecure context). */
export function webCrypto(kit: DpopKit): Crypto {
  const found = (globalThis as { crypto?: Crypto }).crypto
  if (!found?.subtle) throw kit.fail('TL350', { transient: false })
  return found
}

/** The JWK SHA-256 thumbprint of an EC public key (RFC 7638): the `jkt` of tokens bound to it. */
export async function thumbprint(subtle: SubtleCrypto, jwk: PublicJwk): Promise<string> {
  const canonical = JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y })
  return base64url(await subtle.digest('SHA-256', encoder.encode(canonical)))
}

/**
 * The DPoP keys of one namespace, in IndexedDB (database `tokenlife-dpop`, store `keys`), shared by every tab of
 * the origin: `<namespace>:key:<jkt>` holds a key pair whose private key cannot be exported, `<namespace>:session`
 * the `jkt` of the key the session is bound to. Reads and writes that belong together run in one transaction.
 */
export class DpopKeyStore {
  readonly #namespace: string
  readonly #now: () => number
  readonly #kit: DpopKit
  #store: UseStore | undefined
  readonly #loaded = new Map<string, StoredDpopKey>()

  constructor(namespace: string, now: () => number, kit: DpopKit) {
    this.#namespace = namespace
    this.#now = now
    this.#kit = kit
  }

  /** A key this tab already read or made, without IndexedDB. */
  cached(jkt: string): StoredDpopKey | undefined {
    return this.#loaded.get(jkt)
  }

  /** The key the session is bound to, if any. */
  async session(): Promise<StoredDpopKey | undefined> {
    const record = await this.#use('readonly', async (store) => {
      const jkt = await promisifyRequest<unknown>(store.get(this.#sessionKey))
      return typeof jkt === 'string' ? this.#read(store, jkt) : undefined
    })
    return record && this.#remember(record)
  }

  /** The key `jkt`, if it is stored. */
  async key(jkt: string): Promise<StoredDpopKey | undefined> {
    const known = this.#loaded.get(jkt)
    if (known) return known
    const record = await this.#use('readonly', (store) => this.#read(store, jkt))
    return record && this.#remember(record)
  }

  /**
   * A new key pair (P-256, the private key not extractable), stored. With `bind`, it becomes the session's key in
   * the same transaction (the previous session's key is deleted). Keys of sign-ins abandoned over an hour ago go.
   */
  async create(bind: boolean): Promise<StoredDpopKey> {
    const { subtle } = webCrypto(this.#kit)
    const keyPair = await subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify'])
    const { kty, crv, x, y } = await subtle.exportKey('jwk', keyPair.publicKey)
    const jwk = { kty: kty!, crv: crv!, x: x!, y: y! }
    const record: KeyRecord = { jkt: await thumbprint(subtle, jwk), keyPair, jwk, createdAt: this.#now() }
    await this.#use('readwrite', async (store) => {
      const bound = await promisifyRequest<unknown>(store.get(this.#sessionKey))
      for (const [name, value] of await this.#records(store)) {
        if (value.jkt !== bound && this.#now() - value.createdAt > ABANDONED_MS) store.delete(name)
      }
      store.put(record, this.#recordKey(record.jkt))
      if (bind) this.#bindIn(store, record.jkt, bound)
    })
    return this.#remember(record)
  }

  /** Makes `jkt` the session's key; the key of the session it replaces is deleted. */
  async bind(jkt: string): Promise<void> {
    await this.#use('readwrite', async (store) => {
      this.#bindIn(store, jkt, await promisifyRequest<unknown>(store.get(this.#sessionKey)))
    })
  }

  /** Deletes the key `jkt`, and the session's binding if it names it. */
  async forget(jkt: string): Promise<void> {
    this.#loaded.delete(jkt)
    await this.#use('readwrite', async (store) => {
      store.delete(this.#recordKey(jkt))
      if ((await promisifyRequest<unknown>(store.get(this.#sessionKey))) === jkt) store.delete(this.#sessionKey)
    })
  }

  /** Deletes every key made at or before `at` (a logout), and the session's binding to one of them. */
  async forgetBefore(at: number): Promise<void> {
    await this.#use('readwrite', async (store) => {
      const bound = await promisifyRequest<unknown>(store.get(this.#sessionKey))
      const kept = new Set<string>()
      for (const [name, value] of await this.#records(store)) {
        if (value.createdAt <= at) {
          store.delete(name)
          this.#loaded.delete(value.jkt)
        } else {
          kept.add(value.jkt)
        }
      }
      if (typeof bound === 'string' && !kept.has(bound)) store.delete(this.#sessionKey)
    })
  }

  get #sessionKey(): string {
    return `${this.#namespace}:session`
  }

  #recordKey(jkt: string): string {
    return `${this.#namespace}:key:${jkt}`
  }

  #bindIn(store: IDBObjectStore, jkt: string, previous: unknown): void {
    store.put(jkt, this.#sessionKey)
    if (typeof previous === 'string' && previous !== jkt) {
      store.delete(this.#recordKey(previous))
      this.#loaded.delete(previous)
    }
  }

  async #read(store: IDBObjectStore, jkt: string): Promise<KeyRecord | undefined> {
    const value = await promisifyRequest<unknown>(store.get(this.#recordKey(jkt)))
    return isRecord(value) ? value : undefined
  }

  /** This namespace's key records, by their IndexedDB key. */
  async #records(store: IDBObjectStore): Promise<[string, KeyRecord][]> {
    const prefix = `${this.#namespace}:key:`
    const range = IDBKeyRange.bound(prefix, `${prefix}\uffff`)
    const [names, values] = await Promise.all([promisifyRequest(store.getAllKeys(range)), promisifyRequest(store.getAll(range))])
    return names.flatMap((name, index) => (isRecord(values[index]) ? [[String(name), values[index] as KeyRecord]] : []))
  }

  #remember(record: KeyRecord): StoredDpopKey {
    const key = { jkt: record.jkt, keyPair: record.keyPair, header: proofHeader(record.jwk), createdAt: record.createdAt }
    this.#loaded.set(key.jkt, key)
    return key
  }

  /** One transaction; a coded error where there is no IndexedDB, a transient one when it fails. */
  async #use<T>(mode: IDBTransactionMode, work: (store: IDBObjectStore) => Promise<T>): Promise<T> {
    if (typeof indexedDB === 'undefined' || indexedDB === null) throw this.#kit.fail('TL350', { transient: false })
    this.#store ??= createStore('tokenlife-dpop', 'keys')
    try {
      return await this.#store(mode, async (store) => {
        // A write resolves once it is committed: the next lock holder, in any tab, reads it.
        const committed = mode === 'readwrite' ? promisifyRequest(store.transaction) : undefined
        const result = await work(store)
        await committed
        return result
      })
    } catch (error) {
      throw this.#kit.fail('TL351', { transient: true, cause: error })
    }
  }
}

function isRecord(value: unknown): value is KeyRecord {
  const record = value as Partial<KeyRecord> | undefined
  return typeof record?.jkt === 'string' && typeof record.createdAt === 'number' && typeof record.keyPair?.privateKey === 'object'
}

// What the DPoP suites read of a page and of what it sends: the keys in IndexedDB, the proofs on its requests, and
// a client in Node that signs with a key of its own (an attacker holding copies of the page's tokens).
import { dpopKey } from '@tokenlife/test-utils/dpop'
import { calculateJwkThumbprint, type JWK } from 'jose'
import type { Page, Request } from 'playwright'

/** A JWT's payload or header, unverified. */
export const decodePart = (jwt: string, part: 0 | 1) => JSON.parse(Buffer.from(jwt.split('.')[part]!, 'base64url').toString()) as Record<string, unknown>

/** The thumbprint of the key a proof names (RFC 7638). */
export const proofKey = async (proof: string) => calculateJwkThumbprint(decodePart(proof, 0).jwk as JWK, 'sha256')

/** Every DPoP key record of the page's origin in IndexedDB, as the page reads them: `jkt`, and the private key's `extractable`. */
export function storedKeys(page: Page): Promise<{ name: string; jkt: string; extractable: boolean; exported: string }[]> {
  return page.evaluate(async () => {
    const records = await new Promise<{ name: string; value: { jkt: string; keyPair: CryptoKeyPair } }[]>((resolve) => {
      const open = indexedDB.open('tokenlife-dpop')
      open.onerror = () => resolve([])
      open.onsuccess = () => {
        const db = open.result
        if (!db.objectStoreNames.contains('keys')) return resolve([])
        const store = db.transaction('keys').objectStore('keys')
        const names = store.getAllKeys()
        const values = store.getAll()
        values.onsuccess = () => resolve(values.result.map((value, index) => ({ name: String(names.result[index]), value })).filter(({ name }) => name.includes(':key:')))
      }
    })
    return Promise.all(
      records.map(async ({ name, value }) => ({
        name,
        jkt: value.jkt,
        extractable: value.keyPair.privateKey.extractable,
        // What exporting the private key gives: a refusal is the point.
        exported: await crypto.subtle.exportKey('jwk', value.keyPair.privateKey).then(
          () => 'exported',
          (error: Error) => error.name,
        ),
      })),
    )
  })
}

/** The requests a page sends to `url` (a prefix), with their headers and bodies, as they leave. */
export function recordRequests(pages: Page[], url: string) {
  const seen: { tab: number; method: string; url: string; headers: Record<string, string>; body: string | null }[] = []
  pages.forEach((page, tab) => {
    page.on('request', (request: Request) => {
      if (request.url().startsWith(url)) seen.push({ tab, method: request.method(), url: request.url(), headers: request.headers(), body: request.postData() })
    })
  })
  return seen
}

/** A client in Node with a key of its own: what a thief who copied the page's tokens could send. */
export async function nodeClient() {
  const { proof } = await dpopKey()
  /** A token request signed with this key, sent again once with the nonce a `use_dpop_nonce` gives. */
  const tokenRequest = async (url: string, body: URLSearchParams) => {
    let nonce: string | undefined
    for (let attempt = 0; ; attempt++) {
      const response = await fetch(url, { method: 'POST', body, headers: { DPoP: await proof('POST', url, { nonce }) } })
      const answer = (await response.json()) as { error?: string; error_description?: string }
      nonce = response.headers.get('DPoP-Nonce') ?? undefined
      if (answer.error !== 'use_dpop_nonce' || attempt > 0) return { status: response.status, ...answer }
    }
  }
  return { proof, tokenRequest }
}


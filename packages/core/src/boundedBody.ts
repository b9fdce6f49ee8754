import { InvalidResponseError } from './errors'

/**
 * The most tokenlife reads of a token endpoint's answer (refresh, login, logout): 64 KiB. A token response is a
 * few kilobytes at most; anything longer is cut off rather than buffered whole.
 */
export const MAX_TOKEN_RESPONSE_BYTES = 64 * 1024

/** Statuses whose `Response` may not carry a body (the constructor throws if given one). */
const nullBodyStatuses = new Set([204, 205, 304])

const tooLarge = (url: string, maxBytes: number, seen: string): InvalidResponseError =>
  new InvalidResponseError(url, `the body is over the ${maxBytes}-byte cap on token endpoint responses (${seen})`, { code: 'TL211' })

/**
 * Reads `response`'s body once, counting bytes as they arrive, and stops (cancelling the stream) as soon as it
 * passes `maxBytes`, rejecting with an {@link InvalidResponseError} that names the cap. A `Content-Length` over the
 * cap is refused before anything is read. Resolves with a `Response` that holds the bytes read, with the original
 * status and headers, so later reads take nothing more from the network.
 */
export async function readBoundedResponse(url: string, response: Response, maxBytes: number): Promise<Response> {
  // An opaque or opaque-redirect answer (status 0) has no body to read and cannot be rebuilt.
  if (response.status < 200 || response.status > 599) return response
  const declared = Number(response.headers.get('Content-Length') ?? Number.NaN)
  if (declared > maxBytes) {
    response.body?.cancel().catch(() => {})
    throw tooLarge(url, maxBytes, `Content-Length: ${declared}`)
  }
  const chunks: Uint8Array[] = []
  let total = 0
  if (response.body !== null) {
    const reader = response.body.getReader()
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      total += value.byteLength
      if (total > maxBytes) {
        reader.cancel().catch(() => {})
        throw tooLarge(url, maxBytes, `more than ${maxBytes} bytes arrived`)
      }
      chunks.push(value)
    }
  }
  const bytes = new Uint8Array(total)
  let offset = 0
  for (const chunk of chunks) {
    bytes.set(chunk, offset)
    offset += chunk.byteLength
  }
  const init = { status: response.status, statusText: response.statusText, headers: response.headers }
  return new Response(nullBodyStatuses.has(response.status) ? null : bytes, init)
}

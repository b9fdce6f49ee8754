import { HttpError } from './httpError'

const badRequest = (description: string) => new HttpError(400, 'invalid_request', description)

/** The media type of the request, lower case, without parameters; `''` when absent. */
function mediaType(request: Request): string {
  return (request.headers.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? ''
}

const isJsonType = (type: string) => type === 'application/json' || /^application\/[\w.+-]+\+json$/.test(type)

/**
 * The body as text, at most `maxBytes` (413 past it, before or while reading); a body that cannot be read (the
 * client aborted, broken chunked framing) is a 400.
 */
export async function readText(request: Request, maxBytes: number): Promise<string> {
  const tooLarge = () => new HttpError(413, 'invalid_request', `request body exceeds ${maxBytes} bytes`)
  if (Number(request.headers.get('content-length') ?? 0) > maxBytes) throw tooLarge()
  if (request.body === null) return ''
  const chunks: Uint8Array[] = []
  let total = 0
  try {
    const reader = request.body.getReader()
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      total += value.byteLength
      if (total > maxBytes) {
        reader.cancel().catch(() => {})
        throw tooLarge()
      }
      chunks.push(value)
    }
  } catch (error) {
    if (error instanceof HttpError) throw error
    throw badRequest('the request body could not be read')
  }
  return new TextDecoder().decode(Buffer.concat(chunks))
}

/** Reads a JSON object body. 415 for another content type, 400 for malformed JSON or a non-object. */
export async function readJsonObject(request: Request, maxBytes: number): Promise<Record<string, unknown>> {
  const type = mediaType(request)
  if (!isJsonType(type)) throw new HttpError(415, 'invalid_request', `expected Content-Type application/json, got ${type || 'none'}`)
  const text = await readText(request, maxBytes)
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch {
    throw badRequest('request body is not valid JSON')
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw badRequest('request body must be a JSON object')
  return body as Record<string, unknown>
}

/**
 * Reads an `application/x-www-form-urlencoded` body as a map of single values. An empty body (any or no content
 * type) reads as no fields; any other content type with a body is 415; a repeated parameter is 400 (RFC 6749 §3.2).
 */
export async function readForm(request: Request, maxBytes: number): Promise<Map<string, string>> {
  const text = await readText(request, maxBytes)
  const fields = new Map<string, string>()
  if (text.length === 0) return fields
  const type = mediaType(request)
  if (type !== 'application/x-www-form-urlencoded') {
    throw new HttpError(415, 'invalid_request', `expected Content-Type application/x-www-form-urlencoded, got ${type || 'none'}`)
  }
  for (const [name, value] of new URLSearchParams(text)) {
    if (fields.has(name)) throw badRequest(`parameter ${name} is repeated`)
    fields.set(name, value)
  }
  return fields
}

/** A required non-empty string field of at most `maxLength` characters. */
export function requireString(body: Record<string, unknown>, name: string, maxLength = 1024): string {
  const value = body[name]
  if (value === undefined || value === null || value === '') throw badRequest(`${name} is required`)
  if (typeof value !== 'string') throw badRequest(`${name} must be a string`)
  if (value.length > maxLength) throw badRequest(`${name} is too long`)
  return value
}

/**
 * The token of an `Authorization: Bearer <token>` header (scheme case-insensitive, RFC 6750 token characters), or
 * `undefined` when there is none or it is malformed. What to pass to {@link Verifier.verify}.
 *
 * @example
 * ```ts
 * const result = await verifier.verify(bearerToken(request))
 * ```
 */
export function bearerToken(request: Request): string | undefined {
  const match = /^Bearer[ ]+([A-Za-z0-9\-._~+/]+=*)\s*$/i.exec(request.headers.get('authorization') ?? '')
  return match?.[1]
}

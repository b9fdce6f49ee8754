import type { Context } from 'hono'
import type { ContentfulStatusCode } from 'hono/utils/http-status'

/** An error that becomes a JSON `{ error, error_description }` response. */
export class HttpError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly error: string,
    readonly description: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(`${status} ${error}: ${description}`)
    this.name = 'HttpError'
  }
}

export function errorResponse(c: Context, error: HttpError): Response {
  for (const [name, value] of Object.entries(error.headers)) c.header(name, value)
  return c.json({ error: error.error, error_description: error.description }, error.status)
}

const badRequest = (description: string) => new HttpError(400, 'invalid_request', description)

/** The media type of the request, lower case, without parameters; `''` when absent. */
function mediaType(c: Context): string {
  return (c.req.header('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? ''
}

const isJsonType = (type: string) => type === 'application/json' || /^application\/[\w.+-]+\+json$/.test(type)

/** The body as text; a body that cannot be read (the client aborted, broken chunked framing) is a 400. */
async function readText(c: Context): Promise<string> {
  try {
    return await c.req.text()
  } catch {
    throw badRequest('the request body could not be read')
  }
}

/** Reads a JSON object body. 415 for another content type, 400 for malformed JSON or a non-object. */
export async function readJsonObject(c: Context): Promise<Record<string, unknown>> {
  const type = mediaType(c)
  if (!isJsonType(type)) {
    throw new HttpError(415, 'invalid_request', `expected Content-Type application/json, got ${type || 'none'}`)
  }
  const text = await readText(c)
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch {
    throw badRequest('request body is not valid JSON')
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw badRequest('request body must be a JSON object')
  }
  return body as Record<string, unknown>
}

/**
 * Reads an `application/x-www-form-urlencoded` body as a map of single values. An empty body (any or no content
 * type) reads as no fields; any other content type with a body is 415; a repeated parameter is 400 (RFC 6749 §3.2).
 */
export async function readForm(c: Context): Promise<Map<string, string>> {
  const text = await readText(c)
  const fields = new Map<string, string>()
  if (text.length === 0) return fields
  const type = mediaType(c)
  if (type !== 'application/x-www-form-urlencoded') {
    throw new HttpError(
      415,
      'invalid_request',
      `expected Content-Type application/x-www-form-urlencoded, got ${type || 'none'}`,
    )
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

/** The token of an `Authorization: Bearer <token>` header, or `undefined`. */
export function bearerToken(c: Context): string | undefined {
  const match = /^Bearer[ ]+([A-Za-z0-9\-._~+/]+=*)\s*$/i.exec(c.req.header('authorization') ?? '')
  return match?.[1]
}

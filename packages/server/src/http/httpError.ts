/**
 * A refusal that becomes a JSON `{ error, error_description }` answer (the contract's error shape, OAuth 2.0 style):
 * the handler throws it inside an endpoint and answers it with {@link errorResponse}; it never reaches the handler's
 * caller. Use it the same way in routes of your own next to the handler, so every answer has one shape.
 *
 * @example
 * ```ts
 * try {
 *   if (!isAdmin(claims)) throw new HttpError(403, 'access_denied', 'admins only')
 *   return jsonResponse(await report())
 * } catch (error) {
 *   if (error instanceof HttpError) return errorResponse(error)
 *   throw error
 * }
 * ```
 */
export class HttpError extends Error {
  /**
   * @param status - the HTTP status, e.g. `400`, `401`, `429`
   * @param error - the OAuth-style `error` code of the body, e.g. `'invalid_request'`, `'invalid_grant'`
   * @param description - the body's `error_description`, for a developer (no secret in it)
   * @param headers - headers of the answer, e.g. `{ 'Retry-After': '60' }` or `{ 'WWW-Authenticate': … }`
   */
  constructor(
    /** The HTTP status of the answer. */
    readonly status: number,
    /** The body's `error`: an OAuth 2.0 error code such as `'invalid_grant'` (what clients act on). */
    readonly error: string,
    /** The body's `error_description`: a human-readable detail. */
    readonly description: string,
    /** Headers of the answer (`Retry-After`, `WWW-Authenticate`, `Set-Cookie`, `Allow`). */
    readonly headers: Record<string, string> = {},
  ) {
    super(`${status} ${error}: ${description}`)
    this.name = 'HttpError'
  }
}

/** A JSON response (`Content-Type: application/json`), never cached (`Cache-Control: no-store`, `Pragma: no-cache`). */
export function jsonResponse(body: unknown, status = 200, headers: Headers | Record<string, string> = {}): Response {
  const response = new Response(JSON.stringify(body), { status, headers })
  response.headers.set('Content-Type', 'application/json')
  response.headers.set('Cache-Control', 'no-store')
  response.headers.set('Pragma', 'no-cache')
  return response
}

/** The response of an {@link HttpError}: `{ error, error_description }` with its status and headers. */
export function errorResponse(error: HttpError): Response {
  return jsonResponse({ error: error.error, error_description: error.description }, error.status, error.headers)
}

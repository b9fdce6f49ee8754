/** An error that becomes a JSON `{ error, error_description }` response. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly description: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(`${status} ${error}: ${description}`)
    this.name = 'HttpError'
  }
}

/** A JSON response, never cached. */
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

// The HTTP answers of the mock servers: JSON with `Cache-Control: no-store` and the server's `Date`, OAuth errors
// (RFC 6749 §5.2), and the failures a test can ask for.

/** What a test can make the next answers (or every answer, during an outage) be instead of the normal one. */
export type MockFailure =
  /** `503 temporarily_unavailable` with `Retry-After` (a store or upstream outage): transient, the session is kept. */
  | 'unavailable'
  /** `429` with `Retry-After`: transient. */
  | 'rate-limited'
  /** `500 server_error`: transient. */
  | 'server-error'
  /** `400 invalid_grant`: the server refuses the refresh token, so the session ends (`revoked`). */
  | 'invalid_grant'
  /** `401 invalid_client`: the server refuses the client's configuration (a `ConfigurationError`; no retry). */
  | 'invalid_client'
  /** No answer at all (the device or the server is unreachable): `fetch` rejects with a `TypeError`. */
  | 'network-error'
  /** The server did its work (a refresh token rotated) but the answer never arrived: `fetch` rejects. */
  | 'lost-answer'

/** The failures the kit knows, for checking input. */
export const mockFailures: readonly MockFailure[] = ['unavailable', 'rate-limited', 'server-error', 'invalid_grant', 'invalid_client', 'network-error', 'lost-answer']

/** What `fetch` rejects with when no answer arrives: a `TypeError`, as browsers and Node do. */
export const networkFailure = (url: string): TypeError => Object.assign(new TypeError('Failed to fetch'), { cause: `the mock server did not answer ${url}` })

/** A JSON answer as the reference server sends it. */
export function json(body: unknown, status: number, now: number, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', Date: new Date(now).toUTCString(), ...headers },
  })
}

/** An OAuth error answer: `{ error, error_description }`. */
export const oauthError = (status: number, error: string, description: string, now: number, headers: Record<string, string> = {}): Response =>
  json({ error, error_description: description }, status, now, headers)

/** The answer a failure stands for; `undefined` for the ones that have no answer (`network-error`, `lost-answer`). */
export function failureAnswer(failure: MockFailure, now: number, retryAfterSeconds: number): Response | undefined {
  const retryAfter = { 'Retry-After': String(retryAfterSeconds) }
  switch (failure) {
    case 'unavailable':
      return oauthError(503, 'temporarily_unavailable', 'the service is unavailable (a test said so)', now, retryAfter)
    case 'rate-limited':
      return oauthError(429, 'too_many_requests', 'too many requests (a test said so)', now, retryAfter)
    case 'server-error':
      return oauthError(500, 'server_error', 'the server failed (a test said so)', now)
    case 'invalid_grant':
      return oauthError(400, 'invalid_grant', 'the refresh token is not valid (a test said so)', now)
    case 'invalid_client':
      return oauthError(401, 'invalid_client', 'client authentication failed (a test said so)', now)
    default:
      return undefined
  }
}

/** The form parameters of a request body (`application/x-www-form-urlencoded`), read from a clone. */
export async function formOf(request: Request): Promise<URLSearchParams> {
  return new URLSearchParams(await request.clone().text())
}

/** A JSON request body as an object, or `undefined` when it is not one. */
export async function jsonOf(request: Request): Promise<Record<string, unknown> | undefined> {
  try {
    const body: unknown = JSON.parse(await request.clone().text())
    return typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : undefined
  } catch {
    return undefined
  }
}

/** The bearer token of a request's `Authorization` header. */
export const bearerOf = (request: Request): string | undefined => /^Bearer\s+(\S+)$/i.exec(request.headers.get('Authorization') ?? '')?.[1]

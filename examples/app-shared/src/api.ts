// Calls to the example server through `createAuthHttp(auth)` from `@tokenlife/core/ky` (ky with the bearer token
// and one refresh-and-retry on 401). Framework-free; shared by the React and Vue examples.
import { isSessionEndedError, type AuthClient } from '@tokenlife/core'
import { createAuthHttp } from '@tokenlife/core/ky'
import { errorText } from './format'

/** One ky instance per client, made on first use. */
const instances = new WeakMap<AuthClient, ReturnType<typeof createAuthHttp>>()
const httpOf = (auth: AuthClient) => instances.get(auth) ?? instances.set(auth, createAuthHttp(auth)).get(auth)!

export interface ApiResult {
  /** HTTP status, or `undefined` when no response came back. */
  status: number | undefined
  ok: boolean
  body: unknown
  /** When the call finished, epoch ms. */
  at: number
  durationMs: number
}

/** `GET /api/data`, never throwing: the result says what happened. */
export async function fetchData(auth: AuthClient): Promise<ApiResult> {
  const started = performance.now()
  const done = (status: number | undefined, ok: boolean, body: unknown): ApiResult => ({
    status,
    ok,
    body,
    at: Date.now(),
    durationMs: Math.round(performance.now() - started),
  })
  try {
    const response = await httpOf(auth).get('/api/data', { throwHttpErrors: false })
    return done(response.status, response.ok, await response.json().catch(() => null))
  } catch (error) {
    if (isSessionEndedError(error)) return done(undefined, false, { error: 'session_ended', reason: error.reason })
    return done(undefined, false, { error: errorText(error) })
  }
}

interface TokenBody {
  access_token?: string
  expires_in?: number
  refresh_expires_in?: number
  error?: string
  error_description?: string
}

/**
 * `POST /auth/change-password`. The server bumps the user's token version (every other session ends at its next
 * refresh) and answers with a fresh pair for this one, which the client adopts with `setTokens()`.
 */
export async function changePassword(auth: AuthClient, currentPassword: string, newPassword: string): Promise<void> {
  const response = await httpOf(auth).post('/auth/change-password', {
    json: { currentPassword, newPassword },
    throwHttpErrors: false,
    retry: 0,
  })
  const body = (await response.json().catch(() => ({}))) as TokenBody
  if (!response.ok || typeof body.access_token !== 'string') {
    throw new Error(body.error_description ?? `The server answered HTTP ${response.status}`)
  }
  const { access_token: accessToken, expires_in: expiresIn, refresh_expires_in: refreshExpiresIn } = body
  auth.setTokens({ accessToken, expiresIn, ...(typeof refreshExpiresIn === 'number' && refreshExpiresIn > 0 ? { refreshExpiresIn } : {}) })
}

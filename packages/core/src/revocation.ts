import type { NormalizedOptions } from './options'
import { send } from './transport'

/** What a logout captured before it cleared the session. */
export interface RevocationRequest {
  accessToken?: string
  refreshToken?: string
  everywhere: boolean
}

/**
 * Asks the server to revoke a session (RFC 7009-style, via `wireFormat.buildLogoutRequest`), bounded by
 * `logoutTimeoutMs`. Best effort: never rejects; resolves with what went wrong, if anything.
 */
export async function revokeSession(options: NormalizedOptions, captured: RevocationRequest): Promise<unknown> {
  const { logoutUrl, wireFormat, logoutTimeoutMs, refreshTokenMode, environment } = options
  if (logoutUrl === undefined) return undefined
  const request = wireFormat.buildLogoutRequest({
    url: logoutUrl,
    refreshToken: refreshTokenMode === 'storage' ? captured.refreshToken : undefined,
    accessToken: captured.accessToken,
    everywhere: captured.everywhere,
  })
  try {
    const response = await send(environment, request, { timeoutMs: logoutTimeoutMs })
    return response.ok ? undefined : new Error(`HTTP ${response.status}`)
  } catch (error) {
    return error
  }
}

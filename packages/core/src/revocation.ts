import { diagnosticText } from './diagnostics/diagnostic'
import { debugSwitchedOn } from './debugLog'
import type { NormalizedOptions } from './options'
import type { RevocationRequest } from './revocationRequest'
import type { SessionHolder } from './sessionHolder'
import { send } from './transport'
import type { WireRequest } from './wireFormat'

export type { RevocationRequest } from './revocationRequest'

/**
 * Asks the server to revoke a session (RFC 7009, via `wireFormat.buildLogoutRequest`), bounded by
 * `logoutTimeoutMs`. Best effort: never rejects; resolves with what went wrong, if anything. With `debug` on (the
 * option, or the runtime switch of debugLog.ts), a failure is also printed through `environment.warn`, since it may leave the refresh token valid at the server.
 */
export async function revokeSession(options: NormalizedOptions, captured: RevocationRequest): Promise<unknown> {
  const { logoutUrl, wireFormat, logoutTimeoutMs, refreshTokenMode, environment, oauthClientId } = options
  if (logoutUrl === undefined) return undefined
  let failure: unknown
  let url = logoutUrl
  try {
    const request = await wireFormat.buildLogoutRequest({
      url: logoutUrl,
      refreshToken: refreshTokenMode === 'storage' ? captured.refreshToken : undefined,
      accessToken: captured.accessToken,
      clientId: oauthClientId,
      everywhere: captured.everywhere,
    })
    url = request.url
    // keepalive: a page closed right after logout() still gets its revocation to the server.
    const sent = { ...request, init: { keepalive: true, ...request.init } }
    const sendIt = (signed: WireRequest) => send(environment, signed, { timeoutMs: logoutTimeoutMs })
    const { signer } = captured
    const response = signer
      ? await signer.dpop.send(sent, signer.key, sendIt)
      : await sendIt(sent)
    if (!response.ok) {
      // The OAuth error, when the body has one: `HTTP 400 invalid_client: client authentication failed`.
      let detail = ''
      try {
        const { error, description } = wireFormat.parseErrorResponse(JSON.parse(await response.text()))
        if (error) detail = ` ${error}${description ? `: ${description}` : ''}`
      } catch {
        // Not JSON: the status says it all.
      }
      failure = Object.assign(new Error(`HTTP ${response.status}${detail}`), { code: 'TL221' })
    }
  } catch (error) {
    failure = error
  }
  if (failure !== undefined && (options.debug !== undefined || debugSwitchedOn(environment, options.namespace))) {
    const why = failure instanceof Error ? failure.message : String(failure)
    environment.warn(diagnosticText('TL221', url, why))
  }
  return failure
}

/**
 * What signs a logout's revocation with DPoP: the key of the session that ends (this tab's, else the one bound in
 * IndexedDB), read through the storage queue before the end deletes it; `undefined` without DPoP or a key.
 */
export function dpopSigner(holder: SessionHolder): Promise<RevocationRequest['signer']> | undefined {
  const { dpop } = holder
  const jkt = holder.session?.token.dpopJkt
  return dpop && holder.queueStorage(() => dpop.key(jkt).then((key) => key && { dpop, key }, () => undefined))
}

import { SessionEndedError, TokenlifeError } from './errors'
import { handledError, type Origin, type SentRefresh } from './flightAnswer'
import type { NormalizedOptions } from './options'
import type { RefreshLock } from './refreshLock'
import type { SessionHolder } from './sessionHolder'
import { sendToCompletion } from './transport'

/**
 * The one place a refresh request leaves, holding the lock: after the last checks (the session did not end, the
 * lock was not taken over, storage mode has a refresh token), never aborted once sent (see
 * {@link sendToCompletion}). The request is recorded in the sending mark until its answer is read.
 */
export async function sendRefresh(
  options: NormalizedOptions,
  holder: SessionHolder,
  lock: RefreshLock,
  origin: Origin,
  assertUsable: () => void,
): Promise<SentRefresh> {
  const { refreshUrl, refreshTokenMode, wireFormat, environment, oauthClientId } = options
  if (refreshTokenMode === 'cookie') await afterUnfinishedSend(options, holder, lock)
  assertUsable()
  // The session this refresh would continue ended while the flight waited: nothing to refresh.
  const startedAt = Math.max(holder.session?.startedAt ?? origin.lineage, origin.newest ?? Number.NEGATIVE_INFINITY)
  if (holder.isEnded(startedAt)) throw handledError(new SessionEndedError(holder.lastEnd()!.reason))
  let refreshToken: string | undefined
  if (refreshTokenMode === 'storage') {
    refreshToken = holder.refreshToken ?? (await holder.queueStorage(() => holder.store.readRefreshToken()))
    if (refreshToken === undefined) throw new SessionEndedError('no_session')
    assertUsable()
  }
  // Taken over while this tab was frozen: the new holder may be refreshing this very token. Try again later.
  if (!origin.stillHeld()) throw new TokenlifeError('tokenlife: the refresh lock was taken over meanwhile', { transient: true })
  const request = wireFormat.buildRefreshRequest({ url: refreshUrl, refreshToken, clientId: oauthClientId })
  const requestedAt = holder.stamp()
  const answered = holder.tabs.sending(requestedAt)
  const response = sendToCompletion(environment, request)
  // A page that goes away sees its fetch fail as it is torn down; its keepalive request goes on. The mark is removed
  // on a failure only a turn of the clock later, which a page that is gone never gets.
  void response.then(answered, () => environment.setTimeout(answered, 0))
  return { response, refreshToken, startedAt, requestedAt }
}

/**
 * Cookie mode: a page that went away (closed, reloaded) while its refresh was on the wire left its sending mark.
 * Its `keepalive` request goes on, and its answer will still set the rotated cookie; a request sent now would
 * present the cookie it replaces, which a strict server punishes by revoking the session. So, unless a session
 * requested at or after it is known (the request was answered), this waits until that answer is overdue:
 * `requestTimeoutMs` after it left.
 */
async function afterUnfinishedSend(options: NormalizedOptions, holder: SessionHolder, lock: RefreshLock): Promise<void> {
  const { environment: env, timing } = options
  const at = holder.tabs.unfinishedSend()
  if (at === undefined || env.now() >= at + timing.requestTimeoutMs) return
  const newest = await lock.newest()
  if (Math.max(newest?.requestedAt ?? -Infinity, holder.session?.requestedAt ?? -Infinity) >= at) return
  await new Promise<void>((resolve) => env.setTimeout(resolve, at + timing.requestTimeoutMs - env.now()))
}

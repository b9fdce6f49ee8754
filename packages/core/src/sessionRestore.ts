import type { RefreshFlight } from './refreshFlight'
import type { SessionHolder } from './sessionHolder'
import { decodeClaims, withIdentity } from './tokens'

/** What {@link restoreSession} works with. */
export interface RestoreContext {
  holder: SessionHolder
  flight: RefreshFlight
  refreshTokenMode: 'cookie' | 'storage'
  isFresh(token: { expiresAt: number; lifetimeMs?: number }): boolean
  /** Whether the client is still starting (not destroyed, no session yet): work that finds otherwise stops. */
  stillStarting(): boolean
}

/**
 * What `start()` does: a persisted access token if the app opted in, it is still valid and was not logged out
 * since; else a sibling tab's session (storage mode without a stored refresh token); else one refresh.
 */
export async function restoreSession({ holder, flight, refreshTokenMode, isFresh, stillStarting }: RestoreContext): Promise<void> {
  if (!stillStarting()) return
  const [persisted, refreshToken] = await holder.queueStorage(() =>
    Promise.all([holder.store.readAccessToken(), holder.store.readRefreshToken()]),
  )
  if (!stillStarting()) return
  holder.refreshToken ??= refreshToken
  if (persisted && holder.isEnded(persisted.startedAt)) {
    // A tab restored with its old sessionStorage after a logout elsewhere: that session is over.
    void holder.queueStorage(() => holder.store.removeAccessToken())
  } else if (persisted && isFresh(persisted) && (!holder.dpop || (await holder.dpop.restorable(persisted.accessToken, persisted.dpopJkt).catch(() => false)))) {
    if (!stillStarting()) return
    const claims = safeClaims(persisted.accessToken)
    const { accessToken, expiresAt, lifetimeMs, startedAt, requestedAt, refreshAt, sessionEndsAt, dpopJkt } = persisted
    const timed = { accessToken, claims: claims ?? {}, expiresAt, lifetimeMs, ...(sessionEndsAt === undefined ? {} : { sessionEndsAt }), ...(dpopJkt ? { dpopJkt } : {}) }
    const token = withIdentity(timed, persisted.idToken)
    if (claims !== null && holder.adopt({ token, startedAt, requestedAt, refreshAt }, undefined, 'restore')) {
      // A sibling may hold a newer session (a login while this tab was closed): the marks say, it is asked.
      holder.tabs.catchUp()
      return
    }
  }
  if (refreshTokenMode === 'storage' && refreshToken === undefined) {
    // Nothing stored here (memory-only storage, a new tab): another tab may still hold the session.
    const shared = await holder.tabs.askForSession((candidate) => !holder.isEnded(candidate.startedAt))
    if (!stillStarting()) return
    if (!shared || !holder.adoptShared(shared)) await holder.end('no_session', 'this-tab')
    return
  }
  await flight.run('start').catch(() => {
    // The state tells what happened; a transient failure has scheduled a retry.
  })
}

/** Claims of a token, `undefined` for an opaque one, `null` for a JWT that does not decode. */
function safeClaims(accessToken: string): ReturnType<typeof decodeClaims> | null {
  try {
    return decodeClaims(accessToken)
  } catch {
    return null
  }
}

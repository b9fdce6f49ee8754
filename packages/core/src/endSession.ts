import { dpopSigner, type RevocationRequest } from './revocation'
import type { SessionHolder } from './sessionHolder'

/** What {@link endSession} works with. */
export interface EndContext {
  holder: SessionHolder
  refreshTokenMode: 'cookie' | 'storage'
  /** Sends the revocation request. */
  revoke(captured: RevocationRequest): Promise<unknown>
  /** Revokes a session ended for inactivity, once across tabs (see `SessionPolicy.revokeIdleEnd`). */
  revokeIdleEnd(since: number, at: number, captured: RevocationRequest): Promise<void>
}

/**
 * A logout, the user's or for inactivity: ends the session at once here and in every tab (see `SessionHolder.end`),
 * then revokes it at the server whenever a session may exist there: this tab had one; in cookie mode always (the
 * cookie may carry a session a sibling started that this tab has not heard of); in storage mode when storage holds
 * a refresh token. With DPoP the session's key signs the revocation (read before the end deletes it). `since`: for
 * an idle end found at start (no session here yet), when the last activity was.
 * Resolves when storage is clear, the callbacks have run and the revocation is done; never rejects.
 */
export function endSession(context: EndContext, reason: 'logout' | 'idle', everywhere: boolean, since?: number): Promise<void> {
  const { holder } = context
  const state = holder.state.getState()
  const hadSession = state.status !== 'unauthenticated'
  const lineage = holder.session?.startedAt ?? since ?? Number.NEGATIVE_INFINITY
  // Read the refresh token before the clear that end() queues behind it.
  const known = holder.refreshToken
  const refreshToken = known !== undefined ? Promise.resolve(known) : holder.queueStorage(() => holder.store.readRefreshToken())
  const signer = dpopSigner(holder)
  const ended = holder.end(reason, 'this-tab')
  const at = holder.lastEnd()?.at ?? lineage
  const revoke = ([token, signedBy]: readonly [string | undefined, RevocationRequest['signer']]) => {
    if (!hadSession && context.refreshTokenMode === 'storage' && token === undefined) return undefined
    const captured = { accessToken: state.accessToken, refreshToken: token, everywhere, signer: signedBy }
    return reason === 'idle' ? context.revokeIdleEnd(lineage, at, captured) : context.revoke(captured)
  }
  // Without DPoP, no extra step: the revocation leaves as soon as the refresh token is read.
  const revoked = signer ? Promise.all([refreshToken, signer]).then(revoke) : refreshToken.then((token) => revoke([token, undefined]))
  return Promise.all([ended, revoked]).then(
    () => undefined,
    () => undefined,
  )
}

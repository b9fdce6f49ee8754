/** What orders sessions and tokens across tabs (every time in device ms). */
export interface SessionStamp {
  /** When the session began: the login or `setTokens` that started it, or the first refresh of a restored one. */
  startedAt: number
  /** When the request that obtained this token left. */
  requestedAt: number
  expiresAt: number
}

/**
 * Whether `candidate` replaces `current`: a session started later wins (a new login beats an older session's late
 * refresh); within one session, the token requested later wins (refreshes run one at a time under the lock, so
 * request order is rotation order). A tie is not newer: it is the same token (each tab may compute a slightly
 * different expiry for it, so expiry never decides).
 */
export function isNewerSession(candidate: Omit<SessionStamp, 'expiresAt'>, current: Omit<SessionStamp, 'expiresAt'> | undefined): boolean {
  if (!current) return true
  if (candidate.startedAt !== current.startedAt) return candidate.startedAt > current.startedAt
  return candidate.requestedAt > current.requestedAt
}

import { isSessionEndReason, type SessionEndReason } from './authState'

/** The version of the message format; messages of any other version are ignored. */
export const TAB_PROTOCOL_VERSION = 2

/**
 * A session as tabs hand it to each other. The three times order sessions everywhere the same way (see
 * `isNewerSession`): a session started later wins; within one session the token requested later wins.
 */
export interface SharedSession {
  /** Names this token among all tabs (also in the shared mark), so a tab can tell whether it has seen it. */
  id: string
  /** When the session began (the login or `setTokens` that started it; device ms): a logout at or after it ends it. */
  startedAt: number
  /** When the request that obtained this token left (device ms). */
  requestedAt: number
  expiresAt: number
  lifetimeMs: number
  /** When the sender will refresh this token (device ms): siblings refresh it then too, so they keep one phase. */
  refreshAt?: number
  /** When the session ends, as the server said (`refresh_expires_in`; device ms). */
  sessionEndsAt?: number
  /**
   * The token itself; absent on a channel that may write messages to disk (the broadcast-channel library's
   * IndexedDB and localStorage methods): there tabs only tell each other that a newer token exists.
   */
  accessToken?: string
  /** Storage mode only: the current refresh token (tabs of one origin share it anyway through storage). */
  refreshToken?: string
  /** The session's OpenID Connect ID token, when it has one; like `accessToken`, only on a confidential channel. */
  idToken?: string
  /** The sender's estimate of the server clock's offset, for a receiver that has none yet. */
  clockOffsetMs?: number
  /** With DPoP: the thumbprint of the key the token is bound to (public: it names a public key). */
  dpopJkt?: string
}

/** What tabs say to each other. */
export type TabMessage =
  /** A tab obtained tokens (refresh, login, setTokens). */
  | { type: 'session'; session: SharedSession }
  /** A session ended at `at` (device ms): every tab ends its own if it started at or before then. */
  | { type: 'ended'; reason: SessionEndReason; at: number }
  /** A tab asks its siblings for the current session. */
  | { type: 'query'; id: string }
  /** A sibling's answer to a query. */
  | { type: 'answer'; id: string; session: SharedSession }
  /** A tab that waited long for the refresh lock asks whether its holder is alive (not frozen, not hung). */
  | { type: 'holder?'; id: string }
  /** The holder's answer: alive, with a request on the wire; do not take the lock over. */
  | { type: 'holding'; id: string }
  /** Somebody was active in a tab at `at` (device ms): the idle deadline moves, a warning is cancelled. */
  | { type: 'activity'; at: number }

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null
const isTime = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value)
const isText = (value: unknown): value is string => typeof value === 'string' && value !== ''

function readSession(value: unknown): SharedSession | undefined {
  if (!isRecord(value)) return undefined
  const { id, startedAt, requestedAt, expiresAt, lifetimeMs, refreshAt, sessionEndsAt, accessToken, refreshToken, idToken, clockOffsetMs, dpopJkt } = value
  if (!isText(id) || !isTime(startedAt) || !isTime(requestedAt) || !isTime(expiresAt)) return undefined
  if (!isTime(lifetimeMs) || lifetimeMs < 0) return undefined
  if (accessToken !== undefined && !isText(accessToken)) return undefined
  if (refreshToken !== undefined && !isText(refreshToken)) return undefined
  if (idToken !== undefined && !isText(idToken)) return undefined
  if (clockOffsetMs !== undefined && !isTime(clockOffsetMs)) return undefined
  if (dpopJkt !== undefined && !isText(dpopJkt)) return undefined
  if (refreshAt !== undefined && !isTime(refreshAt)) return undefined
  if (sessionEndsAt !== undefined && !isTime(sessionEndsAt)) return undefined
  const session: SharedSession = { id, startedAt, requestedAt, expiresAt, lifetimeMs }
  if (refreshAt !== undefined) session.refreshAt = refreshAt
  if (sessionEndsAt !== undefined) session.sessionEndsAt = sessionEndsAt
  if (accessToken !== undefined) session.accessToken = accessToken
  if (refreshToken !== undefined) session.refreshToken = refreshToken
  if (idToken !== undefined) session.idToken = idToken
  if (clockOffsetMs !== undefined) session.clockOffsetMs = clockOffsetMs
  if (dpopJkt !== undefined) session.dpopJkt = dpopJkt
  return session
}

/**
 * Validates a message from the channel. Returns the message when it is a well-formed tokenlife message of this
 * protocol version for `namespace` from another tab; anything else (other apps, other versions, garbage) gives
 * `undefined`, never a throw.
 */
export function parseTabMessage(raw: unknown, namespace: string, ownTabId: string): (TabMessage & { from: string }) | undefined {
  if (!isRecord(raw) || raw.tokenlife !== TAB_PROTOCOL_VERSION || raw.namespace !== namespace) return undefined
  const from = raw.from
  if (!isText(from) || from === ownTabId) return undefined
  switch (raw.type) {
    case 'session': {
      const session = readSession(raw.session)
      return session && { type: 'session', session, from }
    }
    case 'ended':
      return isSessionEndReason(raw.reason) && isTime(raw.at) ? { type: 'ended', reason: raw.reason, at: raw.at, from } : undefined
    case 'activity':
      return isTime(raw.at) ? { type: 'activity', at: raw.at, from } : undefined
    case 'query':
    case 'holder?':
    case 'holding':
      return isText(raw.id) ? { type: raw.type, id: raw.id, from } : undefined
    case 'answer': {
      const session = readSession(raw.session)
      return isText(raw.id) && session ? { type: 'answer', id: raw.id, session, from } : undefined
    }
    default:
      return undefined
  }
}

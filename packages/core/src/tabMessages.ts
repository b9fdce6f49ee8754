import type { UnauthenticatedReason } from './authState'

/** The version of the message format; messages of any other version are ignored. */
export const TAB_PROTOCOL_VERSION = 1

/** A session as tabs hand it to each other: enough to use the access token without a request of one's own. */
export interface SharedSession {
  /** Names this token among all tabs (also in the shared mark), so a tab can tell whether it has seen it. */
  id: string
  accessToken: string
  expiresAt: number
  lifetimeMs: number
  /** Storage mode only: the current refresh token (tabs of one origin share it anyway through storage). */
  refreshToken?: string
}

/** What tabs say to each other. */
export type TabMessage =
  /** A tab obtained tokens (refresh, login, setTokens). */
  | { type: 'session'; session: SharedSession }
  /** A tab's session ended by logout or revocation: every tab ends its own. */
  | { type: 'ended'; reason: Exclude<UnauthenticatedReason, 'no_session'> }
  /** A tab asks its siblings for the current session. */
  | { type: 'query'; id: string }
  /** A sibling's answer to a query. */
  | { type: 'answer'; id: string; session: SharedSession }

/** A message on the wire: the tokenlife marker, protocol version, client id and sending tab. */
export type TabEnvelope = TabMessage & { tokenlife: typeof TAB_PROTOCOL_VERSION; namespace: string; from: string }

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null

function readSession(value: unknown): SharedSession | undefined {
  if (!isRecord(value)) return undefined
  const { id, accessToken, expiresAt, lifetimeMs, refreshToken } = value
  if (typeof id !== 'string' || id === '') return undefined
  if (typeof accessToken !== 'string' || accessToken === '') return undefined
  if (typeof expiresAt !== 'number' || !Number.isFinite(expiresAt)) return undefined
  if (typeof lifetimeMs !== 'number' || !Number.isFinite(lifetimeMs) || lifetimeMs < 0) return undefined
  if (refreshToken !== undefined && (typeof refreshToken !== 'string' || refreshToken === '')) return undefined
  return refreshToken === undefined
    ? { id, accessToken, expiresAt, lifetimeMs }
    : { id, accessToken, expiresAt, lifetimeMs, refreshToken }
}

/**
 * Validates a message from the channel. Returns the message when it is a well-formed tokenlife message of this
 * protocol version for `namespace` from another tab; anything else (other apps, other versions, garbage) gives
 * `undefined`, never a throw.
 */
export function parseTabMessage(raw: unknown, namespace: string, ownTabId: string): (TabMessage & { from: string }) | undefined {
  if (!isRecord(raw) || raw.tokenlife !== TAB_PROTOCOL_VERSION || raw.namespace !== namespace) return undefined
  const from = raw.from
  if (typeof from !== 'string' || from === '' || from === ownTabId) return undefined
  switch (raw.type) {
    case 'session': {
      const session = readSession(raw.session)
      return session && { type: 'session', session, from }
    }
    case 'ended':
      return raw.reason === 'logout' || raw.reason === 'revoked' ? { type: 'ended', reason: raw.reason, from } : undefined
    case 'query':
      return typeof raw.id === 'string' && raw.id !== '' ? { type: 'query', id: raw.id, from } : undefined
    case 'answer': {
      const session = readSession(raw.session)
      return typeof raw.id === 'string' && session ? { type: 'answer', id: raw.id, session, from } : undefined
    }
    default:
      return undefined
  }
}

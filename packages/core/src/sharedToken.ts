import type { SharedSession } from './tabMessages'
import { decodeClaims, withIdentity, type AccessTokenInfo } from './tokens'

/** How much later than its `exp` claim a sibling may say a JWT expires (whole seconds, plus the answer's travel). */
const EXP_GRANULARITY_MS = 2_000

/**
 * The token a sibling shared, as this tab will hold it, or `undefined` when it must not be adopted: a JWT that does
 * not decode; with DPoP (`dpop`), one not bound to the key the sibling names (a JWT by its `cnf.jkt`; an opaque one
 * on the word of the tab that read its answer). Its expiry comes from its own `exp` where it has one, converted with
 * `clockOffsetMs` (this tab's, else the sender's), never from the message alone; the session's end as the sender knew it.
 */
export function readSharedToken(shared: SharedSession & { accessToken: string }, clockOffsetMs: number | undefined, dpop: boolean): AccessTokenInfo | undefined {
  let claims
  try {
    claims = decodeClaims(shared.accessToken)
  } catch {
    return undefined
  }
  const offset = clockOffsetMs ?? shared.clockOffsetMs ?? 0
  const exp = typeof claims?.exp === 'number' && Number.isFinite(claims.exp) ? claims.exp * 1000 - offset : undefined
  // `exp` counts whole seconds and the sender measured `expires_in` from when the answer arrived: the message may
  // say up to a couple of seconds more than `exp`, never more.
  const expiresAt = exp === undefined ? shared.expiresAt : Math.min(exp + EXP_GRANULARITY_MS, shared.expiresAt)
  const { dpopJkt } = shared
  if (dpop && (dpopJkt === undefined || (claims !== undefined && (claims.cnf as { jkt?: unknown } | undefined)?.jkt !== dpopJkt))) return undefined
  const read: AccessTokenInfo = { accessToken: shared.accessToken, claims: claims ?? {}, expiresAt, lifetimeMs: shared.lifetimeMs }
  if (shared.sessionEndsAt !== undefined) read.sessionEndsAt = shared.sessionEndsAt
  return withIdentity(dpop ? { ...read, dpopJkt } : read, shared.idToken)
}

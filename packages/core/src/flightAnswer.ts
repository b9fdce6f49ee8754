import type { AuthenticatedState } from './authState'
import type { SessionStamp } from './sessionOrder'

/** A refresh request that has left: what it carried and the stamp its tokens will have. */
export interface SentRefresh {
  /** Where it went (the wire format may have chosen another URL than `refreshUrl`). */
  url: string
  response: Promise<Response>
  refreshToken: string | undefined
  startedAt: number
  requestedAt: number
  /** With DPoP: the thumbprint of the key that signed it (the answer's token must be bound to it). */
  dpopJkt?: string
}

/** Where a flight began: the session it refreshes (if any) and the start of the lineage it continues. */
export interface Origin {
  base: SessionStamp | undefined
  lineage: number
  /** Whether the flight still holds the refresh lock (a frozen tab may find it taken over when it thaws). */
  stillHeld: () => boolean
  /** The token was due (on schedule, or a caller needed it) and nothing failed since: its phase is kept. */
  onSchedule: boolean
  /**
   * When the newest session a live tab published started, if it is newer than `base` and has not ended: the
   * request then continues that session (in cookie mode its refresh cookie is the browser's; in storage mode its
   * refresh token is the stored one), not the older one this tab still holds.
   */
  newest?: number
}

/** The callers' side of a flight: settled once, by the answer or by their deadline, whichever comes first. */
export interface Answer {
  resolve(state: AuthenticatedState): void
  reject(error: unknown): void
  readonly settled: boolean
}

/** An error that has already been dealt with (the session ended): passed on to the callers as it is. */
const handled = new WeakSet<object>()

/** The callers' side of a new flight, settled at most once. */
export function answerOnce(resolve: (state: AuthenticatedState) => void, reject: (error: unknown) => void): Answer {
  let settled = false
  return {
    resolve: (state) => {
      if (!settled) resolve(state)
      settled = true
    },
    reject: (error) => {
      if (!settled) reject(error)
      settled = true
    },
    get settled() {
      return settled
    },
  }
}

/** Marks `error` as dealt with (the session already ended because of it). */
export function handledError<T extends object>(error: T): T {
  handled.add(error)
  return error
}

/** Whether `error` was marked with {@link handledError}. */
export function isHandled(error: unknown): boolean {
  return typeof error === 'object' && error !== null && handled.has(error)
}

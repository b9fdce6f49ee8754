import { SessionEndedError, tokenlifeError } from './errors'
import { handledError, type Origin, type SentRefresh } from './flightAnswer'
import type { Environment } from './ports'
import type { NormalizedOptions } from './options'
import type { RefreshLock } from './refreshLock'
import { requestHoldMs } from './refreshTiming'
import { lastRecordedSend, recordSending, SEND_SLACK_MS } from './sendingRecords'
import type { SessionHolder } from './sessionHolder'
import { sendToCompletion } from './transport'
import type { WireRequest } from './wireFormat'

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
  // The session this refresh would continue, which may have ended while the flight waited: nothing to refresh then.
  const startedAt = Math.max(holder.session?.startedAt ?? origin.lineage, origin.newest ?? Number.NEGATIVE_INFINITY)
  /**
   * Still something to refresh, and this tab may: the client is usable, the session did not end, and the lock was
   * not taken over while this tab was frozen (the new holder may be refreshing this very token: try again later).
   */
  const mayRefresh = () => {
    assertUsable()
    if (holder.isEnded(startedAt)) throw handledError(new SessionEndedError(holder.lastEnd()!.reason))
    if (!origin.stillHeld()) throw tokenlifeError('TL306', { transient: true })
  }
  mayRefresh()
  let refreshToken: string | undefined
  if (refreshTokenMode === 'storage') {
    refreshToken = holder.refreshToken ?? (await holder.queueStorage(() => holder.store.readRefreshToken()))
    if (refreshToken === undefined) throw new SessionEndedError('no_session')
    assertUsable()
  }
  const request = await wireFormat.buildRefreshRequest({ url: refreshUrl, refreshToken, clientId: oauthClientId })
  // DPoP: the key the session is bound to signs; a session without one gets one now, before anything leaves.
  const dpop = holder.dpop
  const key = dpop && (await dpop.refreshKey())
  // Building may have taken time.
  mayRefresh()
  /** Removes the records of the request on the wire now. */
  let release = () => {}
  /**
   * Records that `request` leaves now (in place of the records of the request before it, if any), then signs it:
   * the proof's `iat` is the time it leaves, not a time before a sleep. Writing and signing take a moment, so
   * `mayLeave` checks once more, and it leaves only within SEND_SLACK_MS of the time recorded (else TL309).
   */
  const depart = async (mayLeave: () => void): Promise<{ signed: WireRequest; requestedAt: number }> => {
    const departure = await markSending(options, holder)
    release()
    release = departure.answered
    try {
      const signed = key ? await dpop!.sign(request, key) : request
      mayLeave()
      if (!leavesInTime(environment, departure.requestedAt)) throw tokenlifeError('TL309', { transient: true })
      return { signed, requestedAt: departure.requestedAt }
    } catch (error) {
      release()
      release = () => {}
      throw error
    }
  }
  const { signed, requestedAt } = await depart(mayRefresh)
  // DPoP: a nonce asked for is sent at once (the refresh token was not used): one flight, still holding the lock.
  // That second request leaves a round trip after the first, so it departs as the first did: recorded again, signed.
  const sendAgain = async () => sendToCompletion(environment, (await depart(() => {})).signed)
  const leaving = sendToCompletion(environment, signed)
  const response = key ? leaving.then((answer) => dpop!.afterAnswer(request, answer, sendAgain)) : leaving
  // A page that goes away sees its fetch fail as it is torn down; its keepalive request goes on. The mark is removed
  // on a failure only a turn of the clock later, which a page that is gone never gets.
  void response.then(
    (answer) => {
      if (answer.ok) holder.tabs.heardServer(refreshUrl, answer)
      release()
    },
    () => environment.setTimeout(() => release(), 0),
  )
  return { url: request.url, response, refreshToken, startedAt, requestedAt, ...(key ? { dpopJkt: key.jkt } : {}) }
}

/** Whether a request recorded as leaving at `at` still leaves when its records say: within {@link SEND_SLACK_MS}. */
const leavesInTime = (env: Environment, at: number): boolean => env.now() - at <= SEND_SLACK_MS

/** How many times a refresh records its departure again before it gives up for now (TL309). */
const MARK_ATTEMPTS = 3

/**
 * Records that a refresh request is about to leave: in the sending mark and, in cookie mode, where a sibling that
 * takes the lock next is sure to see it even if this page is closed at once (the records). A successor counts on
 * the request leaving within {@link SEND_SLACK_MS} of the time recorded. Writing the record is awaited, and the
 * device may sleep or the tab freeze meanwhile: then the time recorded no longer says when the request leaves (a
 * successor would take its answer for overdue while it is still on the wire), so the records are replaced by new
 * ones with the time now. Nothing has left yet, so a moment without a record is harmless: this tab holds the lock.
 * Returns the time recorded and the function that removes the records once the answer is read.
 */
async function markSending(options: NormalizedOptions, holder: SessionHolder): Promise<{ requestedAt: number; answered: () => void }> {
  const { refreshTokenMode, environment } = options
  for (let attempt = 1; ; attempt++) {
    const requestedAt = holder.stamp()
    const marked = holder.tabs.sending(requestedAt)
    const recorded = refreshTokenMode === 'cookie' ? await recordSending(environment, sendingPrefix(options), requestedAt) : () => {}
    const answered = () => {
      marked()
      recorded()
    }
    if (leavesInTime(environment, requestedAt)) return { requestedAt, answered }
    answered()
    if (attempt === MARK_ATTEMPTS) throw tokenlifeError('TL309', { transient: true })
  }
}

/**
 * Cookie mode: a page that went away (closed, reloaded) while its refresh was on the wire left its sending mark.
 * Its `keepalive` request goes on, and its answer will still set the rotated cookie; a request sent now would
 * present the cookie it replaces, which a strict server punishes by revoking the session. So, unless a session
 * requested at or after it is known (the request was answered), this waits until that answer is overdue:
 * `requestTimeoutMs` after it left, at the latest {@link SEND_SLACK_MS} after the time recorded. A server that
 * advertised a retry window (`Tokenlife-Retry-Window`) answers the replaced cookie with the same successor while the
 * window lasts: then this sends at once, if the request, given `requestTimeoutMs` to arrive, is still inside it.
 */
async function afterUnfinishedSend(options: NormalizedOptions, holder: SessionHolder, lock: RefreshLock): Promise<void> {
  const { environment: env, timing } = options
  // The sending mark (localStorage) may not have reached this tab yet; the records (IndexedDB) have.
  const marked = holder.tabs.unfinishedSend()
  const recorded = await lastRecordedSend(env, sendingPrefix(options), requestHoldMs(timing))
  const at = marked === undefined ? recorded : recorded === undefined ? marked : Math.max(marked, recorded)
  if (at === undefined) return
  // It left at most SEND_SLACK_MS after the time recorded (see markSending).
  const overdueAt = at + SEND_SLACK_MS + timing.requestTimeoutMs
  if (env.now() >= overdueAt) return
  const windowMs = holder.tabs.retryWindowMs(options.refreshUrl)
  if (windowMs !== undefined && env.now() + timing.requestTimeoutMs <= at + windowMs) return
  const newest = await lock.newest()
  if (Math.max(newest?.requestedAt ?? -Infinity, holder.session?.requestedAt ?? -Infinity) >= at) return
  await new Promise<void>((resolve) => env.setTimeout(resolve, overdueAt - env.now()))
}

/** The keys of this client's records of refreshes on the wire. */
const sendingPrefix = (options: NormalizedOptions) => `tokenlife:${options.namespace}:sending:`

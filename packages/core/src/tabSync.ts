import type { Environment } from './ports'
import { requestHoldMs, type RefreshTiming } from './refreshTiming'
import { retryWindowOf } from './retryWindow'
import { SessionMarks, type EndedMark } from './sessionMark'
import { isNewerSession, type SessionStamp } from './sessionOrder'
import { TabChannel } from './tabChannel'
import type { SharedSession, TabMessage } from './tabMessages'
import { isFresh, type AccessTokenInfo } from './tokens'

/** This tab's session as its siblings know it (`expiresAt` is the token's). */
export interface LocalSession extends SessionStamp {
  token: AccessTokenInfo
  /** The id tabs know this token by (see {@link SharedSession.id}). */
  id: string
  /** When this tab will refresh it (device ms; see `timing.spreadRatio`). */
  refreshAt: number
}

/** What {@link TabSync} needs from the session holder. */
export interface TabSyncHost {
  /** This tab's current session, if it has one. */
  session(): LocalSession | undefined
  /** The refresh token to hand over with the session (storage mode only). */
  refreshToken(): string | undefined
  /** This tab's estimate of the server clock offset, if it has one. */
  clockOffsetMs(): number | undefined
  /** Another tab has a newer session: take it (the host checks again that it is newer and not ended). */
  adopt(session: SharedSession): void
  /** A session ended somewhere at `end.at`: end ours if it started at or before then, and remember it. */
  learnEnd(end: EndedMark): void
  /** Whether this tab holds the refresh lock now, alive (its request may be on the wire). */
  holdsRefreshLock(): boolean
  /** A sibling says somebody was active at `at` (the idle timeout). */
  activity(at: number): void
}

/** What the other tabs know that this one may not: a newer session, or that the session ended. */
export type SiblingNews = { type: 'session'; session: SharedSession } | { type: 'ended'; end: EndedMark }

/**
 * Keeps this tab in step with its siblings: announces sessions and ends (channel message plus shared mark), adopts
 * what others announce, answers their questions, and catches up after a wake-up from what the marks say.
 *
 * Messages arrive late and in any order, and marks reach other processes late: every piece of news carries its
 * stamp, so an old "ended" never ends a newer session and an old token never replaces a newer one.
 */
export class TabSync {
  readonly #env: Environment
  readonly #timing: RefreshTiming
  readonly #host: TabSyncHost
  readonly #channel: TabChannel
  readonly #marks: SessionMarks
  /**
   * Questions asked recently, with when they came: a session that arrives while the asker still waits is sent to
   * it then, whether this tab had nothing to answer or an older session (a message can overtake another).
   */
  readonly #recentQueries = new Map<string, number>()

  constructor(env: Environment, namespace: string, timing: RefreshTiming, host: TabSyncHost) {
    this.#env = env
    this.#timing = timing
    this.#host = host
    this.#channel = new TabChannel(env, namespace, (message) => this.#receive(message))
    this.#marks = new SessionMarks(env.sharedMarks, namespace)
  }

  open(): void {
    this.#channel.open()
  }

  close(): void {
    this.#channel.close()
  }

  /** Whether the shared mark names a session newer than `session` (a restored tab's token may be old news). */
  knowsNewerThan(session: SessionStamp): boolean {
    const mark = this.#marks.readActive()
    return mark !== undefined && isNewerSession(mark, session)
  }

  /** The last end any tab recorded in the shared mark. */
  lastEnd(): EndedMark | undefined {
    return this.#marks.readEnded()
  }

  /** Tells every tab that this one obtained `session` (refresh, login, setTokens, restore). */
  announceSession(session: LocalSession): void {
    const { id, startedAt, requestedAt } = session
    this.#marks.writeActive({ id, startedAt, requestedAt, expiresAt: session.token.expiresAt })
    this.#channel.post({ type: 'session', session: this.#shareable(session) })
  }

  /**
   * Records that this tab's refresh request (stamped `requestedAt`) is on the wire, until the function returned is
   * called (the answer was read): no other tab takes the lock over meanwhile ({@link TabSync.holderAlive}), and in
   * cookie mode, if this page goes away first, the next sender waits for the answer to set the rotated cookie.
   */
  sending(requestedAt: number): () => void {
    const mark = { tab: this.#channel.tabId, at: requestedAt }
    this.#marks.writeSending(mark)
    return () => this.#marks.clearSending(mark)
  }

  /** When the refresh request still on the wire left (see {@link TabSync.sending}), if any page recorded one. */
  unfinishedSend(): number | undefined {
    return this.#marks.readSending()?.at
  }

  /**
   * Records in the shared marks what a successful token response said of the refresh endpoint's retry window (a
   * response without the header removes it), so that every page of the origin, a reloaded one too, knows it.
   */
  heardServer(refreshUrl: string, response: Response): void {
    this.#marks.writeRetry(refreshUrl, retryWindowOf(response))
  }

  /** The retry window the refresh endpoint at `refreshUrl` last advertised to any page, ms. */
  retryWindowMs(refreshUrl: string): number | undefined {
    return this.#marks.readRetry(refreshUrl)
  }

  /**
   * Whether the tab holding the refresh lock may still be at work, so that taking the lock over would do harm: it
   * answers within `timing.tabQueryTimeoutMs`, or a refresh request is on the wire (the sending mark, for
   * {@link requestHoldMs} after it left). That request's answer holds the only copy of the rotated token; a tab that
   * took the lock over would present the token it replaces, and a hung holder that runs again reads the answer.
   */
  holderAlive(): Promise<boolean> {
    const sending = this.#marks.readSending()
    if (sending && sending.tab !== this.#channel.tabId && this.#env.now() < sending.at + requestHoldMs(this.#timing)) {
      return Promise.resolve(true)
    }
    return this.#channel.probeHolder(this.#timing.tabQueryTimeoutMs)
  }

  /** This tab took a sibling's session: answer again the questions of tabs that may still be waiting. */
  adopted(session: LocalSession): void {
    for (const [id, askedAt] of this.#recentQueries) {
      if (this.#env.now() - askedAt <= this.#timing.tabQueryTimeoutMs) {
        this.#channel.post({ type: 'answer', id, session: this.#shareable(session) })
      } else {
        this.#recentQueries.delete(id)
      }
    }
  }

  /** Tells every tab that somebody was active in this one at `at` (the idle timeout). */
  announceActivity(at: number): void {
    this.#channel.post({ type: 'activity', at })
  }

  /** Tells every tab that sessions started at or before `end.at` are over, before anything else happens. */
  announceEnd(end: EndedMark): void {
    this.#marks.writeEnded(end)
    this.#channel.post({ type: 'ended', reason: end.reason, at: end.at })
  }

  /** Asks the other tabs for a usable session that `accept` takes (bounded by `timing.tabQueryTimeoutMs`). */
  askForSession(accept: (session: SharedSession) => boolean = () => true): Promise<SharedSession | undefined> {
    if (!this.#channel.confidential) return Promise.resolve(undefined)
    return this.#channel.query(
      this.#timing.tabQueryTimeoutMs,
      (shared) => shared.accessToken !== undefined && this.#isFresh(shared) && accept(shared),
    )
  }

  /**
   * Called holding the refresh lock: did a sibling end the session, or obtain a session newer than `base`, while
   * this tab waited? Asks the siblings only when there may be something to learn: this tab has no session yet, it
   * had to wait for the lock (`contended`: the previous holder may have refreshed, and its news may not have
   * arrived), the shared mark or storage says a sibling has something newer (`hint`), or the server just refused.
   */
  async newsSince(
    base: SessionStamp | undefined,
    reason: { contended: boolean; hint: boolean; afterRefusal: boolean; newest?: SessionStamp | undefined },
  ): Promise<SiblingNews | undefined> {
    const ended = this.#endedNews()
    if (ended) return ended
    const mark = this.#marks.readActive()
    const markIsNewer = mark !== undefined && mark.id !== this.#host.session()?.id && isNewerSession(mark, base)
    if (base !== undefined && !markIsNewer && !reason.contended && !reason.hint && !reason.afterRefusal) return undefined
    // When a live tab published a newer session, wait for that one (a sibling that has not heard of it answers too).
    const { newest } = reason
    const atLeast = newest && isNewerSession(newest, base) ? newest : undefined
    const shared = await this.askForSession(
      (candidate) => isNewerSession(candidate, base) && (!atLeast || !isNewerSession(atLeast, candidate)),
    )
    if (shared) return { type: 'session', session: shared }
    // Look at the end mark once more: a logout elsewhere may be why, and its mark may only now be visible.
    return this.#endedNews()
  }

  /**
   * After a wake-up a tab may have missed messages (frozen, asleep): the marks tell whether a session ended
   * elsewhere or a newer token exists; then the other tabs are asked for it.
   */
  catchUp(): void {
    const ended = this.#marks.readEnded()
    if (ended) this.#host.learnEnd(ended)
    const mark = this.#marks.readActive()
    const local = this.#host.session()
    if (mark && mark.id !== local?.id && isNewerSession(mark, local) && this.#isFresh(mark)) {
      void this.askForSession((shared) => isNewerSession(shared, this.#host.session())).then((shared) => {
        if (shared) this.#host.adopt(shared)
      })
    }
  }

  /** An end recorded in the mark that this tab's session predates. */
  #endedNews(): Extract<SiblingNews, { type: 'ended' }> | undefined {
    const end = this.#marks.readEnded()
    const local = this.#host.session()
    return end && local && local.startedAt <= end.at ? { type: 'ended', end } : undefined
  }

  #receive(message: TabMessage): void {
    switch (message.type) {
      case 'session':
        if (isNewerSession(message.session, this.#host.session())) this.#host.adopt(message.session)
        return
      case 'ended':
        this.#host.learnEnd({ reason: message.reason, at: message.at })
        return
      case 'holder?':
        if (this.#host.holdsRefreshLock()) this.#channel.post({ type: 'holding', id: message.id })
        return
      case 'activity':
        this.#host.activity(message.at)
        return
      case 'query': {
        const local = this.#host.session()
        if (!this.#channel.confidential) return
        if (local && this.#isFresh(local.token)) {
          this.#channel.post({ type: 'answer', id: message.id, session: this.#shareable(local) })
        }
        for (const [id, askedAt] of this.#recentQueries) {
          if (this.#env.now() - askedAt > this.#timing.tabQueryTimeoutMs) this.#recentQueries.delete(id)
        }
        this.#recentQueries.set(message.id, this.#env.now())
        return
      }
    }
  }

  #isFresh(token: { expiresAt: number; lifetimeMs?: number }): boolean {
    return isFresh(token, this.#timing.minValidityMs, this.#env.now())
  }

  /** The session as a message carries it: on a channel that may persist messages, without any token. */
  #shareable({ token, id, startedAt, requestedAt, refreshAt }: LocalSession): SharedSession {
    const { expiresAt, lifetimeMs } = token
    const shared: SharedSession = { id, startedAt, requestedAt, expiresAt, lifetimeMs, refreshAt }
    if (token.sessionEndsAt !== undefined) shared.sessionEndsAt = token.sessionEndsAt
    if (!this.#channel.confidential) return shared
    if (token.dpopJkt !== undefined) shared.dpopJkt = token.dpopJkt
    shared.accessToken = token.accessToken
    if (token.identity) shared.idToken = token.identity.idToken
    const refreshToken = this.#host.refreshToken()
    if (refreshToken !== undefined) shared.refreshToken = refreshToken
    const offset = this.#host.clockOffsetMs()
    if (offset !== undefined) shared.clockOffsetMs = offset
    return shared
  }
}

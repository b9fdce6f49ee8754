import type { Environment } from './environment'
import type { RefreshTiming } from './refreshTiming'
import { SessionMarks } from './sessionMark'
import { TabChannel } from './tabChannel'
import type { SharedSession, TabMessage } from './tabMessages'
import { isFresh, type AccessTokenInfo } from './tokens'

/** This tab's session as its siblings know it. */
export interface LocalSession {
  token: AccessTokenInfo
  /** The id tabs know this token by (see {@link SharedSession.id}). */
  id: string
  /** When this tab took the token (device ms): a logout elsewhere after this moment ends it. */
  adoptedAt: number
}

/** What {@link TabSync} needs from the client. */
export interface TabSyncHost {
  /** This tab's current session, if it has one. */
  session(): LocalSession | undefined
  /** The refresh token to hand over with the session (storage mode only). */
  refreshToken(): string | undefined
  /** Another tab has a newer session: take it. */
  adopt(session: SharedSession): void
  /** The session ended in another tab (the host ignores it when it has no session to end). */
  end(reason: 'logout' | 'revoked'): void
}

/** What the other tabs know that this one may not: a newer session, or that the session ended. */
export type SiblingNews = { type: 'session'; session: SharedSession } | { type: 'ended'; reason: 'logout' | 'revoked' }

/**
 * Keeps this tab in step with its siblings: announces sessions and logouts (channel message plus shared mark),
 * adopts what others announce, answers their questions, and catches up after a wake-up from what the mark says.
 */
export class TabSync {
  readonly #env: Environment
  readonly #timing: RefreshTiming
  readonly #host: TabSyncHost
  readonly #channel: TabChannel
  readonly #marks: SessionMarks

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

  /** Tells every tab that this one obtained `session` (refresh, login, setTokens). */
  announceSession(session: LocalSession): void {
    this.#marks.write({ state: 'active', id: session.id, expiresAt: session.token.expiresAt })
    this.#channel.post({ type: 'session', session: this.#shareable(session) })
  }

  /** Tells every tab that the session ended here, before anything else happens. */
  announceEnd(reason: 'logout' | 'revoked'): void {
    this.#marks.write({ state: 'ended', reason, at: this.#env.now() })
    this.#channel.post({ type: 'ended', reason })
  }

  /** Asks the other tabs for their session (bounded by `timing.tabQueryTimeoutMs`). */
  async askForSession(): Promise<SharedSession | undefined> {
    const shared = await this.#channel.query(this.#timing.tabQueryTimeoutMs)
    return shared && this.#isFresh(shared) ? shared : undefined
  }

  /**
   * Called holding the refresh lock: did a sibling end the session, or obtain one newer than `before`, while this
   * tab waited (or, with `afterRefusal`, just before the server refused our refresh token)? Asks the siblings only
   * when the shared mark says there is something to learn, when this tab has no session yet, or after a refusal.
   */
  async newsSince(before: AccessTokenInfo | undefined, afterRefusal: boolean): Promise<SiblingNews | undefined> {
    const local = this.#host.session()
    const ended = this.#endedSince(local)
    if (ended) return ended
    const mark = this.#marks.read()
    const beforeExpiry = before?.expiresAt ?? Number.NEGATIVE_INFINITY
    const someoneHasNewer =
      mark?.state === 'active' && mark.id !== local?.id && mark.expiresAt >= beforeExpiry && this.#isFresh(mark)
    if (before !== undefined && !someoneHasNewer && !afterRefusal) return undefined
    const shared = await this.askForSession()
    if (shared && shared.expiresAt >= beforeExpiry && shared.id !== this.#host.session()?.id) {
      return { type: 'session', session: shared }
    }
    // After a refusal, look once more: a logout elsewhere may have caused it, and its mark may only now be visible
    // (localStorage reaches other processes a little later).
    return afterRefusal ? this.#endedSince(local) : undefined
  }

  /** The shared mark's news that the session ended after `local` was taken, if it says so. */
  #endedSince(local: LocalSession | undefined): Extract<SiblingNews, { type: 'ended' }> | undefined {
    const mark = this.#marks.read()
    return mark?.state === 'ended' && local && mark.at >= local.adoptedAt ? { type: 'ended', reason: mark.reason } : undefined
  }

  /**
   * After a wake-up a tab may have missed messages (frozen, asleep): the shared mark tells whether the session ended
   * elsewhere or a newer token exists; then the other tabs are asked for it.
   */
  catchUp(): void {
    const mark = this.#marks.read()
    const local = this.#host.session()
    if (!mark) return
    if (mark.state === 'ended') {
      const ended = this.#endedSince(local)
      if (ended) this.#host.end(ended.reason)
      return
    }
    if (mark.id !== local?.id && this.#isFresh(mark)) {
      void this.askForSession().then((shared) => {
        if (shared && this.#isNewer(shared)) this.#host.adopt(shared)
      })
    }
  }

  #receive(message: TabMessage): void {
    switch (message.type) {
      case 'session':
        if (this.#isNewer(message.session)) this.#host.adopt(message.session)
        return
      case 'ended':
        this.#host.end(message.reason)
        return
      case 'query': {
        const local = this.#host.session()
        if (local && this.#isFresh(local.token)) {
          this.#channel.post({ type: 'answer', id: message.id, session: this.#shareable(local) })
        }
        return
      }
    }
  }

  /** Whether another tab's session replaces ours: a different token that lives at least as long. */
  #isNewer(session: SharedSession): boolean {
    const current = this.#host.session()?.token
    return !current || (session.accessToken !== current.accessToken && session.expiresAt >= current.expiresAt)
  }

  #isFresh(token: { expiresAt: number; lifetimeMs?: number }): boolean {
    return isFresh(token, this.#timing.minValidityMs, this.#env.now())
  }

  #shareable({ token, id }: LocalSession): SharedSession {
    const { accessToken, expiresAt, lifetimeMs } = token
    const refreshToken = this.#host.refreshToken()
    return refreshToken === undefined
      ? { id, accessToken, expiresAt, lifetimeMs }
      : { id, accessToken, expiresAt, lifetimeMs, refreshToken }
  }
}

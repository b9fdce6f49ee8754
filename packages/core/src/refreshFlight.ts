import type { RefreshCause } from './authEvents'
import type { AuthenticatedState } from './authState'
import { InvalidResponseError, isConfigurationError, isSessionEndedError, isTokenlifeError, NetworkError, SessionEndedError, type ConfigurationError } from './errors'
import type { NormalizedOptions } from './options'
import type { RefreshLock } from './refreshLock'
import type { RevocationRequest } from './revocation'
import type { SessionHolder } from './sessionHolder'
import { answerOnce, handledError, isHandled, type Answer, type Origin, type SentRefresh } from './flightAnswer'
import { requestHoldMs } from './refreshTiming'
import { isNewerSession, type SessionStamp } from './sessionOrder'
import { isFresh } from './tokens'
import { checkIdToken } from './idTokenCheck'
import { sendRefresh } from './refreshRequest'
import { readTokenResponse, rotatedRefreshTokenOf, type TokenExchange } from './transport'

/** What a flight needs from the client around it. */
export interface RefreshFlightHost {
  /** A transient failure the callers were told of: keep the session, schedule a retry. */
  failed(error: Error): void
  /** The server says the client is misconfigured (see {@link ConfigurationError}): report it, never retry. */
  misconfigured(error: ConfigurationError): void
  /** Revokes tokens that arrived for a session that was logged out meanwhile. */
  revoke(captured: RevocationRequest): void
  /** Throws when the client was destroyed. */
  assertUsable(): void
}

/**
 * One refresh at a time, in this tab (callers share the flight in progress) and across tabs (the refresh lock).
 *
 * Holding the lock, a flight first learns what its siblings did — a newer token (from a message, the marks, an
 * answer to a question, or a rotated refresh token in storage) or an end — and asks the server only if nothing
 * newer exists. A request that has left is never aborted: callers stop waiting at `requestTimeoutMs`, but the
 * flight keeps the lock until the answer is read, then reconciles it (newest session wins; tokens that arrive for a
 * session that was logged out meanwhile are revoked). The result is published — state, marks, message, stored
 * refresh token — before the lock is released, so the next holder can decide without waiting for a message.
 */
export class RefreshFlight {
  readonly #options: NormalizedOptions
  readonly #holder: SessionHolder
  readonly #lock: RefreshLock
  readonly #host: RefreshFlightHost
  #inFlight: Promise<AuthenticatedState> | undefined
  #holding = 0

  constructor(options: NormalizedOptions, holder: SessionHolder, lock: RefreshLock, host: RefreshFlightHost) {
    this.#options = options
    this.#holder = holder
    this.#lock = lock
    this.#host = host
  }

  /** Whether this tab holds the refresh lock now. */
  get holding(): boolean {
    return this.#holding > 0
  }

  /** The refresh in progress, or a new one. */
  run(cause: RefreshCause): Promise<AuthenticatedState> {
    if (!this.#inFlight) {
      const flight = this.#fly(cause)
      this.#inFlight = flight
      const clear = () => {
        if (this.#inFlight === flight) this.#inFlight = undefined
      }
      flight.then(clear, clear)
    }
    return this.#inFlight
  }

  #fly(cause: RefreshCause): Promise<AuthenticatedState> {
    const base = this.#holder.session
    // What the flight continues: its session, or (without one) the flight itself: a later logout ends what it gets.
    const lineage = base?.startedAt ?? this.#holder.stamp()
    // A refresh that came due keeps the fleet's spread; one after a failure, an explicit one (a 401 wave) or the
    // first of a session begins a new phase: many sessions may do it at the same moment.
    const onSchedule = (cause === 'schedule' || cause === 'demand') && this.#holder.state.getState().error === undefined
    this.#holder.state.emit({ type: 'refresh-started', cause })
    return new Promise<AuthenticatedState>((resolve, reject) => {
      const answer = answerOnce(resolve, reject)
      this.#lock
        .run((contended, stillHeld) => this.#underLock({ base, lineage, stillHeld, onSchedule }, contended, answer))
        .catch((error: unknown) => answer.reject(error))
    })
  }

  /**
   * Everything a flight does holding the lock; the outcome goes to `answer`. The lock is held until the answer has
   * been read and published — siblings that ask are told the holder is alive — but not past 4 × `lockTimeoutMs`
   * after the request left (a server that never answers must not wedge every tab; its answer, should it come, is
   * still reconciled).
   */
  async #underLock(origin: Origin, contended: boolean, answer: Answer): Promise<void> {
    this.#holding++
    try {
      await this.#holdWhileWorking(origin, contended, answer)
    } finally {
      this.#holding--
    }
  }

  async #holdWhileWorking(origin: Origin, contended: boolean, answer: Answer): Promise<void> {
    const env = this.#options.environment
    let bound: unknown
    let release: () => void = () => {}
    const bounded = new Promise<void>((resolve) => {
      release = resolve
    })
    // Starts the clock on how long a request on the wire may keep the lock.
    const onSent = () => {
      bound ??= env.setTimeout(release, requestHoldMs(this.#options.timing))
    }
    const work = (async () => {
      try {
        this.#host.assertUsable()
        const shared = await this.#siblingsNews(origin, { contended, afterRefusal: false })
        answer.resolve(shared ?? (await this.#exchange(origin, answer, true, onSent)))
      } catch (error) {
        // A sibling's newer session was adopted meanwhile: the flight got what it was for, its failure needs no retry.
        if (isTokenlifeError(error) && error.transient && this.#hasNewerThan(origin.base)) answer.resolve(this.#state())
        else answer.reject(await this.#failure(error, answer))
      }
    })()
    await Promise.race([work, bounded])
    if (bound !== undefined) env.clearTimeout(bound)
  }

  /**
   * A newer session than `base` that this tab adopted while it waited, or that a sibling holds; throws (handled)
   * when the session ended elsewhere. Storage mode: also picks up a refresh token a sibling rotated.
   */
  async #siblingsNews(origin: Origin, reason: { contended: boolean; afterRefusal: boolean }): Promise<AuthenticatedState | undefined> {
    const { base } = origin
    const holder = this.#holder
    if (this.#hasNewerThan(base)) return this.#state()
    let hint = false
    if (this.#options.refreshTokenMode === 'storage') {
      const stored = await holder.queueStorage(() => holder.store.readRefreshToken())
      hint = stored !== undefined && holder.refreshToken !== undefined && stored !== holder.refreshToken
      if (stored !== undefined) holder.refreshToken = stored
    }
    // The newest session a live tab published (lock state: never late, unlike messages and marks).
    const newest = await this.#lock.newest()
    if (newest && newest.id !== holder.session?.id && isNewerSession(newest, base)) {
      hint = true
      if (!holder.isEnded(newest.startedAt)) origin.newest = newest.startedAt
    }
    const news = await holder.tabs.newsSince(base, { ...reason, hint, newest })
    if (news?.type === 'ended') {
      holder.learnEnd(news.end)
      throw handledError(new SessionEndedError(news.end.reason))
    }
    if (news) holder.adoptShared(news.session)
    // Adopted now, or already (its message arrived while we asked).
    return this.#hasNewerThan(base) ? this.#state() : undefined
  }

  /** Whether this tab holds a usable session newer than `base` (adopted from a sibling while it waited). */
  #hasNewerThan(base: SessionStamp | undefined): boolean {
    const current = this.#holder.session
    return current !== undefined && isNewerSession(current, base) && this.#isFresh(current.token)
  }

  /** One request to the refresh endpoint; its answer is read and reconciled whether or not callers still wait. */
  async #exchange(origin: Origin, answer: Answer, mayRescue: boolean, onSent: () => void = () => {}): Promise<AuthenticatedState> {
    const sent = await sendRefresh(this.#options, this.#holder, this.#lock, origin, this.#host.assertUsable)
    onSent()
    const { timing, wireFormat, refreshTokenMode, environment: env } = this.#options
    const deadline = env.setTimeout(() => {
      if (answer.settled) return
      const error = new NetworkError(sent.url, { timedOut: true })
      answer.reject(error)
      this.#host.failed(error)
    }, timing.requestTimeoutMs)
    let exchange: TokenExchange
    try {
      const response = await sent.response
      exchange = await readTokenResponse(env, wireFormat, sent.url, response, 'refresh', refreshTokenMode)
    } catch (error) {
      // An answer tokenlife could not use may still carry the rotated refresh token: keep it for the retry.
      await this.#holder.keepRotated(sent.refreshToken, rotatedRefreshTokenOf(error))
      if (!mayRescue || !isSessionEndedError(error)) throw error
      return this.#rescue(origin, sent, answer, error, onSent)
    } finally {
      env.clearTimeout(deadline)
    }
    return this.#reconcile(exchange, sent, origin.onSchedule)
  }

  /**
   * The answer to a request that left, whenever it arrives: adopted if it is the newest session; revoked if the
   * session was logged out meanwhile. Holds the lock until the rotated refresh token is stored.
   */
  async #reconcile(exchange: TokenExchange, sent: SentRefresh, onSchedule: boolean): Promise<AuthenticatedState> {
    const holder = this.#holder
    this.#refuseIfEnded(exchange, sent)
    try {
      this.#host.assertUsable()
    } catch (error) {
      // Destroyed meanwhile: keep the rotated refresh token for the tabs that live on, if no one replaced it.
      await holder.keepRotated(sent.refreshToken, exchange.token.refreshToken)
      throw error
    }
    if (sent.dpopJkt !== undefined) await this.#checkBinding(exchange, sent)
    if (await checkIdToken(this.#options, holder, this.#host, exchange, sent)) {
      // The check took time: the session may have been logged out, or the client destroyed, meanwhile.
      this.#refuseIfEnded(exchange, sent)
      this.#host.assertUsable()
    }
    const adopted = holder.acceptExchange(exchange, 'refresh', { startedAt: sent.startedAt, requestedAt: sent.requestedAt, onSchedule }, sent.dpopJkt)
    await Promise.all([holder.storageSettled(), this.#lock.published()])
    return adopted ?? this.#state()
  }

  /**
   * DPoP: an answer whose token is not bound to the key that signed the request is not adopted (it would go out as a
   * bearer token). Its rotated refresh token is kept first (a one-time secret); the flight fails as a transient one.
   */
  async #checkBinding({ claims, token }: TokenExchange, sent: SentRefresh): Promise<void> {
    const found = sent.dpopJkt === undefined ? undefined : await this.#holder.dpop?.problem(claims, token.tokenType, sent.dpopJkt)
    if (!found) return
    await this.#holder.keepRotated(sent.refreshToken, token.refreshToken)
    throw new InvalidResponseError(sent.url, found.problem, { code: found.code })
  }

  /**
   * An answer for a session that ended meanwhile is not adopted; after a logout (by the user or for inactivity) its
   * tokens are revoked: they must not live on.
   */
  #refuseIfEnded(exchange: TokenExchange, sent: SentRefresh): void {
    const holder = this.#holder
    if (!holder.isEnded(sent.startedAt)) return
    const end = holder.lastEnd()
    if (end?.reason !== 'revoked') {
      const { accessToken, refreshToken } = exchange.token
      this.#host.revoke({ accessToken, refreshToken, everywhere: false })
    }
    throw handledError(new SessionEndedError(end?.reason ?? 'logout'))
  }

  /**
   * The server refused our refresh token. That may only mean the session moved on without us: a newer token
   * adopted meanwhile, a sibling that rotated first (storage mode: a newer refresh token in storage), or a logout
   * elsewhere. Otherwise it is a revocation.
   */
  async #rescue(origin: Origin, sent: SentRefresh, answer: Answer, refusal: SessionEndedError, onSent: () => void): Promise<AuthenticatedState> {
    const holder = this.#holder
    const current = holder.session
    if (current && current.startedAt > sent.startedAt) return this.#state()
    const shared = await this.#siblingsNews(origin, { contended: false, afterRefusal: true })
    if (shared) return shared
    const rotatedElsewhere = this.#options.refreshTokenMode === 'storage' && holder.refreshToken !== undefined && holder.refreshToken !== sent.refreshToken
    // DPoP: the session was bound to another key meanwhile (a new session's, in another tab): the refusal was for the key.
    const rebound = sent.dpopJkt !== undefined && (await holder.dpop?.rebound(sent.dpopJkt))
    if (rotatedElsewhere || rebound) return this.#exchange(origin, answer, false, onSent)
    throw refusal
  }

  /** Turns a failure into what the callers get; ends the session on a refusal, schedules a retry otherwise. */
  async #failure(error: unknown, answer: Answer): Promise<unknown> {
    if (isHandled(error)) {
      // The session ended elsewhere before this tab had one: it starts signed out, for that end (not a new one).
      if (isSessionEndedError(error) && this.#holder.state.getState().status === 'initializing') {
        await this.#holder.end(error.reason, 'another-tab', undefined, this.#holder.lastEnd()?.at)
      }
      return error
    }
    if (isConfigurationError(error)) {
      this.#host.misconfigured(error)
      return error
    }
    if (isSessionEndedError(error)) {
      const state = this.#holder.state.getState()
      const reason = state.status === 'authenticated' ? 'revoked' : (state.reason ?? 'no_session')
      const { status, description } = error
      const ended = new SessionEndedError(reason, { status, error: error.error, description, cause: error })
      await this.#holder.end(reason, 'this-tab', ended)
      return ended
    }
    try {
      this.#host.assertUsable()
    } catch (destroyed) {
      return destroyed
    }
    const failure = error instanceof Error ? error : new Error(String(error))
    if (!answer.settled) this.#host.failed(failure)
    return failure
  }

  #state(): AuthenticatedState {
    const state = this.#holder.state.getState()
    if (state.status === 'authenticated') return state
    throw handledError(new SessionEndedError(state.status === 'unauthenticated' ? state.reason : 'no_session'))
  }

  #isFresh = (token: { expiresAt: number; lifetimeMs?: number }): boolean =>
    isFresh(token, this.#options.timing.minValidityMs, this.#options.environment.now())
}


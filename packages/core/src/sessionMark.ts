import { isSessionEndReason, type SessionEndReason } from './authState'
import type { SharedMarksPort } from './ports'
import { isNewerSession, type SessionStamp } from './sessionOrder'

/** The newest token any tab announced: its id and stamp, never the token. */
export interface ActiveMark extends SessionStamp {
  id: string
}

/** The last time a session ended, and why: sessions that started at or before `at` are over, in every tab. */
export interface EndedMark {
  reason: SessionEndReason
  at: number
}

/**
 * A refresh on the wire: when its request left (its `requestedAt`) and which page sent it. The sender
 * removes it once the answer is read; a page that goes away meanwhile (closed, reloaded) leaves it behind.
 */
export interface SendingMark {
  tab: string
  at: number
}

/**
 * What the refresh endpoint at `url` last said of itself in a successful token response: it answers a refresh token
 * presented again within `windowMs` of its rotation as it did the first time (see `RETRY_WINDOW_HEADER`).
 */
export interface RetryMark {
  url: string
  windowMs: number
}

/**
 * What every tab of the origin can read synchronously about one namespace's session (`localStorage` by default):
 * the newest token's stamp, the last end, a refresh still on the wire, and the server's retry window. None holds a secret. The end mark is kept after a new login, so a
 * tab restored later still knows that what it holds was logged out. Writes reach other processes with a delay:
 * the marks are hints that save a question, never the only way a tab learns something.
 */
export class SessionMarks {
  readonly #port: SharedMarksPort | undefined
  readonly #activeKey: string
  readonly #endedKey: string
  readonly #sendingKey: string
  readonly #retryKey: string

  constructor(port: SharedMarksPort | undefined, namespace: string) {
    this.#port = port
    this.#activeKey = `tokenlife:${namespace}:mark`
    this.#endedKey = `tokenlife:${namespace}:ended`
    this.#sendingKey = `tokenlife:${namespace}:sending`
    this.#retryKey = `tokenlife:${namespace}:retry`
  }

  /** The retry window the refresh endpoint at `url` advertised last, ms. */
  readRetry(url: string): number | undefined {
    const mark = this.#read(this.#retryKey)
    return mark?.url === url && isTime(mark.windowMs) ? mark.windowMs : undefined
  }

  /** Records the retry window of the refresh endpoint at `url`; `undefined` removes it (it no longer has one). */
  writeRetry(url: string, windowMs: number | undefined): void {
    const mark = this.#read(this.#retryKey)
    if (mark?.url === url && mark.windowMs === windowMs) return
    if (windowMs) this.#write(this.#retryKey, { url, windowMs } satisfies RetryMark)
    else this.#remove(this.#retryKey)
  }

  readSending(): SendingMark | undefined {
    const mark = this.#read(this.#sendingKey)
    return mark && typeof mark.tab === 'string' && isTime(mark.at) ? { tab: mark.tab, at: mark.at } : undefined
  }

  writeSending(mark: SendingMark): void {
    this.#write(this.#sendingKey, mark)
  }

  /** Removes the sending mark if it is still the one `mark` wrote (a later sender's stays). */
  clearSending(mark: SendingMark): void {
    const known = this.readSending()
    if (known?.tab === mark.tab && known.at === mark.at) this.#remove(this.#sendingKey)
  }

  readActive(): ActiveMark | undefined {
    const mark = this.#read(this.#activeKey)
    if (!mark) return undefined
    const { id, startedAt, requestedAt, expiresAt } = mark
    if (typeof id !== 'string' || ![startedAt, requestedAt, expiresAt].every(isTime)) return undefined
    return { id, startedAt, requestedAt, expiresAt } as ActiveMark
  }

  readEnded(): EndedMark | undefined {
    const mark = this.#read(this.#endedKey)
    if (!mark || !isSessionEndReason(mark.reason) || !isTime(mark.at)) return undefined
    return { reason: mark.reason, at: mark.at }
  }

  /** Records the newest token's stamp, unless the mark already names a newer one (a restored tab's older token). */
  writeActive(mark: ActiveMark): void {
    const known = this.readActive()
    if (!known || !isNewerSession(known, mark)) this.#write(this.#activeKey, mark)
  }

  /** Records an end, unless a later one is already recorded; the active mark goes. */
  writeEnded(mark: EndedMark): void {
    const known = this.readEnded()
    if (!known || known.at < mark.at) this.#write(this.#endedKey, mark)
    this.#remove(this.#activeKey)
  }

  #remove(key: string): void {
    try {
      this.#port?.remove(key)
    } catch {
      // See #write.
    }
  }

  #read(key: string): Record<string, unknown> | undefined {
    try {
      const raw = this.#port?.get(key)
      const value: unknown = raw ? JSON.parse(raw) : undefined
      return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined
    } catch {
      // Not ours, corrupt, or no storage: ignore.
      return undefined
    }
  }

  #write(key: string, value: object): void {
    try {
      this.#port?.set(key, JSON.stringify(value))
    } catch {
      // Marks are an optimisation over the channel; without them tabs still converge, only later.
    }
  }
}

const isTime = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value)

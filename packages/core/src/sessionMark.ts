import type { SharedMarksPort } from './environment'

/**
 * The newest thing any tab knows about the session, left where every tab can read it synchronously. It holds no
 * token: only the expiry of the newest access token, or when and why the session ended.
 */
export type SessionMark =
  | { state: 'active'; id: string; expiresAt: number }
  | { state: 'ended'; reason: 'logout' | 'revoked'; at: number }

/** Reads and writes one client's {@link SessionMark}. Tolerates a missing store and garbage in it. */
export class SessionMarks {
  readonly #port: SharedMarksPort | undefined
  readonly #key: string

  constructor(port: SharedMarksPort | undefined, namespace: string) {
    this.#port = port
    this.#key = `tokenlife:${namespace}:mark`
  }

  read(): SessionMark | undefined {
    let raw: string | null | undefined
    try {
      raw = this.#port?.get(this.#key)
    } catch {
      return undefined
    }
    if (!raw) return undefined
    try {
      const mark = JSON.parse(raw) as Record<string, unknown>
      if (mark.state === 'active' && typeof mark.id === 'string' && typeof mark.expiresAt === 'number') {
        return { state: 'active', id: mark.id, expiresAt: mark.expiresAt }
      }
      if (mark.state === 'ended' && (mark.reason === 'logout' || mark.reason === 'revoked') && typeof mark.at === 'number') {
        return { state: 'ended', reason: mark.reason, at: mark.at }
      }
    } catch {
      // Not ours, or corrupt: ignore.
    }
    return undefined
  }

  write(mark: SessionMark): void {
    try {
      this.#port?.set(this.#key, JSON.stringify(mark))
    } catch {
      // Marks are an optimisation over the channel; without them tabs still converge, only later.
    }
  }
}

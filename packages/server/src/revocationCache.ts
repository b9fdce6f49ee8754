import type { RevocationChange, RevocationSnapshot } from './store/authStore'

/**
 * What a verifier knows of revocations, in process: denied token ids until their tokens expire, and recent token
 * version bumps until every older token of the user has expired. Every update is a merge (the later expiry, the
 * higher version), so changes may arrive twice, late or out of order, and a re-read snapshot merges in.
 */
export class RevocationCache {
  readonly #denied = new Map<string, number>()
  readonly #versions = new Map<string, { version: number; until: number }>()

  /** Entries held now: denied ids and version bumps. */
  get size(): { denied: number; versions: number } {
    return { denied: this.#denied.size, versions: this.#versions.size }
  }

  apply(change: RevocationChange): void {
    if (change.type === 'denied') {
      const known = this.#denied.get(change.jti)
      if (known === undefined || known < change.expiresAt) this.#denied.set(change.jti, change.expiresAt)
    } else {
      const known = this.#versions.get(change.userId)
      if (!known || known.version < change.version) this.#versions.set(change.userId, { version: change.version, until: change.until })
      else if (known.version === change.version && known.until < change.until) known.until = change.until
    }
  }

  load(snapshot: RevocationSnapshot): void {
    for (const entry of snapshot.denied) this.apply({ type: 'denied', ...entry })
    for (const entry of snapshot.versions) this.apply({ type: 'version', ...entry })
  }

  /** Whether the token id is denied (its entry lives until the token expires). */
  isDenied(jti: string, now: number): boolean {
    const expiresAt = this.#denied.get(jti)
    return expiresAt !== undefined && expiresAt > now
  }

  /** Whether a token of `userId` at `version` is older than a bump still in force. */
  isOldVersion(userId: string, version: number, now: number): boolean {
    const bump = this.#versions.get(userId)
    return bump !== undefined && version < bump.version && bump.until > now
  }

  /** Drops what has expired. */
  prune(now: number): void {
    for (const [jti, expiresAt] of this.#denied) if (expiresAt <= now) this.#denied.delete(jti)
    for (const [userId, bump] of this.#versions) if (bump.until <= now) this.#versions.delete(userId)
  }
}

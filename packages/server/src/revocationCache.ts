import type { RevocationChange, RevocationSnapshot } from './store/authStore'

/**
 * What a verifier knows of revocations, in process: denied token ids until their tokens expire, and recent token
 * version bumps until every older token of the user has expired. Every update is a merge (the later expiry, the
 * higher version), so changes may arrive twice, late or out of order, and a re-read snapshot merges in. Every time is
 * epoch ms.
 *
 * A {@link Verifier} holds one and keeps it current; use it directly only to build a verifier of your own (for
 * another token format, or a cache shared by several verifiers).
 *
 * @example
 * ```ts
 * const cache = new RevocationCache()
 * cache.load(await store.revocations(Date.now()))
 * store.subscribe({ change: (change) => cache.apply(change), connected: () => {}, disconnected: () => {} })
 * if (cache.isDenied(claims.jti, Date.now()) || cache.isOldVersion(claims.sub, claims.ver, Date.now())) refuse()
 * ```
 */
export class RevocationCache {
  readonly #denied = new Map<string, number>()
  readonly #versions = new Map<string, { version: number; until: number }>()

  /** Entries held now (expired ones until the next {@link RevocationCache.prune}). */
  get size(): {
    /** Denied access-token ids. */
    denied: number
    /** Users with a recent version bump. */
    versions: number
  } {
    return { denied: this.#denied.size, versions: this.#versions.size }
  }

  /** Merges one change from the feed: a denial (the later expiry wins) or a version bump (the higher version wins). */
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

  /** Merges a snapshot (`AuthStore.revocations()`), as after a (re)connect of the feed. Nothing already known is lost. */
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

  /** Drops the denials of expired tokens and the bumps past their `until`, as of `now` (epoch ms). */
  prune(now: number): void {
    for (const [jti, expiresAt] of this.#denied) if (expiresAt <= now) this.#denied.delete(jti)
    for (const [userId, bump] of this.#versions) if (bump.until <= now) this.#versions.delete(userId)
  }
}

import type { LockManagerPort } from './ports'

/**
 * Publishes a fact where every tab's next lock holder is sure to see it: in the name of a lock this tab holds until
 * the function handed to `keep` is called (its page going away releases it too). Lock state lives in the browser
 * process, so unlike a message or a `localStorage` write it cannot arrive late. Releases `previous` (an older fact)
 * once granted. A name another tab holds already says the same: it is not waited for (this may run while the
 * refresh lock is held). Resolves once granted; `undefined` where the lock manager cannot list locks (nobody could
 * read the name).
 */
export function holdLockName(
  locks: LockManagerPort | undefined,
  name: string,
  previous: (() => void) | undefined,
  keep: (release: () => void) => void,
): Promise<void> | undefined {
  if (!locks?.query) return undefined
  return new Promise<void>((granted) => {
    void locks
      .request(name, { ifAvailable: true }, (lock) => {
        granted()
        if (lock === null) return undefined
        previous?.()
        return new Promise<void>((release) => keep(release))
      })
      .catch(() => granted())
  })
}

/** The rest of the name of every lock held now, in any tab, whose name starts with `prefix` (none if it cannot tell). */
export async function heldLockNames(locks: LockManagerPort | undefined, prefix: string): Promise<string[]> {
  try {
    const held = (await locks?.query?.())?.held ?? []
    return held.flatMap(({ name }) => (name?.startsWith(prefix) ? [name.slice(prefix.length)] : []))
  } catch {
    return []
  }
}

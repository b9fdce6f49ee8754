import type { AuthClient, AuthEvent } from '@tokenlife/react'

export interface LoggedEvent {
  id: number
  /** When it happened, epoch ms. */
  at: number
  event: AuthEvent
}

export const MAX_EVENTS = 50

/** The last {@link MAX_EVENTS} events of `auth`, newest first, as a store for `useSyncExternalStore`. */
export function createEventLog(auth: AuthClient) {
  let entries: readonly LoggedEvent[] = []
  let nextId = 1
  const listeners = new Set<() => void>()
  const set = (next: readonly LoggedEvent[]) => {
    entries = next
    for (const listener of listeners) listener()
  }
  auth.onEvent((event) => set([{ id: nextId++, at: Date.now(), event }, ...entries].slice(0, MAX_EVENTS)))
  return {
    getSnapshot: () => entries,
    subscribe: (listener: () => void) => {
      listeners.add(listener)
      return () => void listeners.delete(listener)
    },
    clear: () => set([]),
  }
}

export type EventLog = ReturnType<typeof createEventLog>

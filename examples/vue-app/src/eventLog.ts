import type { AuthClient, AuthEvent } from '@tokenlife/vue'
import { computed, shallowRef } from 'vue'

export interface LoggedEvent {
  id: number
  /** When it happened, epoch ms. */
  at: number
  event: AuthEvent
}

export const MAX_EVENTS = 50

/** The last {@link MAX_EVENTS} events of `auth`, newest first, as a read-only ref. */
export function createEventLog(auth: AuthClient) {
  const entries = shallowRef<readonly LoggedEvent[]>([])
  let nextId = 1
  auth.onEvent((event) => {
    entries.value = [{ id: nextId++, at: Date.now(), event }, ...entries.value].slice(0, MAX_EVENTS)
  })
  return {
    entries: computed(() => entries.value),
    clear: () => {
      entries.value = []
    },
  }
}

export type EventLog = ReturnType<typeof createEventLog>

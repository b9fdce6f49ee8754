import { idleOff, type AuthClient, type IdleState } from '@tokenlife/core'
import { computed, onScopeDispose, shallowRef, type Ref } from 'vue'
import { useAuthClient } from './useAuthClient'

/** What {@link useIdle} returns: the idle state and its fields as readonly refs, and `stillHere`. */
export interface UseIdleReturn {
  /** The whole idle state (`auth.idle.getState()`), `idleOff` on the server and while hydrating. */
  readonly state: Readonly<Ref<IdleState>>
  /** `'off'` (no idle timeout, or no session), `'active'`, or `'warning'` (every tab signs out soon). */
  readonly status: Readonly<Ref<IdleState['status']>>
  /** While warning: the time left, in whole seconds (updated every second); else `undefined`. */
  readonly remainingMs: Readonly<Ref<number | undefined>>
  /** While warning: when every tab signs out (device epoch ms); else `undefined`. */
  readonly deadline: Readonly<Ref<number | undefined>>
  /** The user is still here: cancels the warning and moves the deadline, in every tab. */
  readonly stillHere: AuthClient['stillHere']
}

/**
 * The idle timeout (`idle: idleTimeout({ ... })`) for a "you will be signed out" dialog, as readonly refs: `status`
 * (`'off'`, `'active'`, `'warning'`) and, while warning, `remainingMs` and `deadline`; `stillHere()` cancels the
 * warning in every tab. Call it in `setup()`; the subscription ends with the component. `'off'` during server-side
 * rendering and without an idle timeout.
 *
 * @example
 * ```ts
 * const { status, remainingMs, stillHere } = useIdle()
 * const countdown = computed(() => {
 *   const seconds = Math.ceil((remainingMs.value ?? 0) / 1000)
 *   return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`
 * })
 * ```
 */
export function useIdle(): UseIdleReturn {
  const client = useAuthClient()
  const onServer = typeof window === 'undefined'
  const state = shallowRef(onServer ? idleOff : client.idle.getState())
  if (!onServer) {
    onScopeDispose(
      client.idle.subscribe((next) => {
        state.value = next
      }),
    )
  }
  return {
    state: computed(() => state.value),
    status: computed(() => state.value.status),
    remainingMs: computed(() => state.value.remainingMs),
    deadline: computed(() => state.value.deadline),
    stillHere: client.stillHere,
  }
}

import { idleOff, type AuthClient, type IdleState } from '@tokenlife/core'
import { useMemo, useSyncExternalStore } from 'react'
import { useAuthClient } from './useAuthClient'

/** What {@link useIdle} returns: the idle state (`status`, and while warning `deadline` and `remainingMs`) and `stillHere`. */
export type UseIdleResult = IdleState & {
  /** The user is still here: cancels the warning and moves the deadline, in every tab. */
  readonly stillHere: AuthClient['stillHere']
}

/**
 * The idle timeout (`idle: idleTimeout({ ... })`) for a "you will be signed out" dialog: `status` is `'off'`,
 * `'active'` or `'warning'`; while warning, `remainingMs` counts down in whole seconds (a re-render each second, in
 * the components that use it) to `deadline`. `stillHere()` cancels the warning in every tab. `'off'` on the server,
 * while hydrating and without an idle timeout. Throws when there is no `<AuthProvider>` above.
 *
 * @example
 * ```tsx
 * function IdleDialog() {
 *   const idle = useIdle()
 *   if (idle.status !== 'warning') return null
 *   const seconds = Math.ceil(idle.remainingMs / 1000)
 *   return (
 *     <dialog open>
 *       You will be signed out in {Math.floor(seconds / 60)}:{String(seconds % 60).padStart(2, '0')}
 *       <button onClick={idle.stillHere}>Stay signed in</button>
 *     </dialog>
 *   )
 * }
 * ```
 */
export function useIdle(): UseIdleResult {
  const client = useAuthClient()
  const { idle } = client
  const state = useSyncExternalStore(idle.subscribe, idle.getState, () => idleOff)
  return useMemo(() => ({ ...state, stillHere: client.stillHere }), [state, client])
}

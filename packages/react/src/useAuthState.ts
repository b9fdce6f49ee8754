import { serverState, type AuthState } from '@tokenlife/core'
import { useEffect, useMemo, useRef, useSyncExternalStore } from 'react'
import { useAuthClient } from './useAuthClient'

/**
 * Selects part of the session state; the component re-renders only when the selected value changes (by
 * `isEqual`, `Object.is` by default), not on every token refresh. On the server and during hydration the state
 * is {@link serverState} (`{ status: 'initializing' }`).
 *
 * @example
 * ```tsx
 * const status = useAuthState((state) => state.status)
 * const userId = useAuthState((state) => state.claims?.sub)
 * ```
 */
export function useAuthState<T>(selector: (state: AuthState) => T, isEqual: (a: T, b: T) => boolean = Object.is): T {
  const client = useAuthClient()
  // The last committed selection, so an inline selector returning an equal new object keeps the old one.
  const committed = useRef<{ value: T }>(undefined)
  const select = useMemo(() => {
    let last: { state: AuthState; value: T } | undefined
    return (state: AuthState): T => {
      if (last?.state === state) return last.value
      const value = selector(state)
      const previous = last ?? committed.current
      last = { state, value: previous && isEqual(previous.value, value) ? previous.value : value }
      return last.value
    }
  }, [selector, isEqual])
  const value = useSyncExternalStore(
    client.subscribe,
    () => select(client.getState()),
    () => select(serverState),
  )
  useEffect(() => {
    committed.current = { value }
  })
  return value
}

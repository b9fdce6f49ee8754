import { serverState, type AuthState } from '@tokenlife/core'
import { useRef, useSyncExternalStore } from 'react'
import { useAuthClient } from './useAuthClient'

/** The last value this hook selected, with the state and the selector it came from. */
interface Selection<T> {
  readonly state: AuthState
  readonly selector: (state: AuthState) => T
  readonly value: T
}

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
  const last = useRef<Selection<T>>(undefined)
  // The snapshot useSyncExternalStore compares. The core returns the same state object until the state changes, so
  // a selection is cached by state and selector: asking again gives the same value. A new selection that is equal
  // to the last one keeps the last one, so React sees no change and does not re-render. What is returned is always
  // the selector's value for the state read, or one equal to it (also when the cache was filled by a render React
  // threw away).
  const select = (state: AuthState): T => {
    const previous = last.current
    if (previous !== undefined && previous.state === state && previous.selector === selector) return previous.value
    const value = selector(state)
    const kept = previous !== undefined && isEqual(previous.value, value) ? previous.value : value
    last.current = { state, selector, value: kept }
    return kept
  }
  return useSyncExternalStore(
    client.subscribe,
    () => select(client.getState()),
    () => select(serverState),
  )
}

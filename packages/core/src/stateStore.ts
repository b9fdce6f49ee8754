import type { AuthEvent } from './authEvents'
import { authReducer, type AuthAction } from './authReducer'
import type { AuthState } from './authState'

/**
 * The store contract every binding relies on: a synchronous `getState()` that returns the same object until the
 * state changes, bound `subscribe`/`onEvent` functions that return unsubscribers, and one reducer through which
 * every change passes (listeners are notified once per change).
 */
export class StateStore {
  #state: AuthState = { status: 'initializing' }
  readonly #listeners = new Set<(state: AuthState) => void>()
  readonly #eventListeners = new Set<(event: AuthEvent) => void>()
  readonly #warn: (message: string) => void
  readonly #debug: ((event: AuthEvent) => void) | undefined

  constructor(warn: (message: string) => void, debug: ((event: AuthEvent) => void) | undefined) {
    this.#warn = warn
    this.#debug = debug
  }

  getState = (): AuthState => this.#state

  subscribe = (listener: (state: AuthState) => void): (() => void) => {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  onEvent = (listener: (event: AuthEvent) => void): (() => void) => {
    this.#eventListeners.add(listener)
    return () => this.#eventListeners.delete(listener)
  }

  /** Applies `action`; notifies subscribers when the state changed. */
  dispatch(action: AuthAction): void {
    const next = authReducer(this.#state, action)
    if (next === this.#state) return
    this.#state = next
    this.#notify(this.#listeners, next, 'a subscriber')
  }

  emit(event: AuthEvent): void {
    this.#debug?.(event)
    this.#notify(this.#eventListeners, event, 'an event listener')
  }

  /** Drops every listener (on destroy). */
  clear(): void {
    this.#listeners.clear()
    this.#eventListeners.clear()
  }

  #notify<T>(listeners: Set<(value: T) => void>, value: T, who: string): void {
    for (const listener of [...listeners]) {
      try {
        listener(value)
      } catch (error) {
        this.#warn(`${who} threw: ${String(error)}`)
      }
    }
  }
}

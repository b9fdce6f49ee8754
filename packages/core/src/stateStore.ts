import { diagnosticText } from './diagnostics/diagnostic'
import type { AuthEvent } from './authEvents'
import { authReducer, type AuthAction } from './authReducer'
import type { AuthState } from './authState'

/**
 * The store contract every binding relies on: a synchronous `getState()` that returns the same object until the
 * state changes, bound `subscribe`/`onEvent` functions that return unsubscribers, and one reducer through which
 * every change passes.
 *
 * Listeners run only once a change is complete: inside {@link StateStore.batch} notifications wait until the
 * outermost batch ends, and notifications caused by a listener (one that calls `logout()`) wait until the current
 * one has been delivered. A listener that throws is reported with a warning and never breaks the client.
 */
export class StateStore {
  #state: AuthState = { status: 'initializing' }
  readonly #listeners = new Set<(state: AuthState) => void>()
  readonly #eventListeners = new Set<(event: AuthEvent) => void>()
  readonly #warn: (message: string) => void
  readonly #debug: ((event: AuthEvent) => void) | undefined
  /** Notifications waiting for the current change to complete, in order. */
  readonly #queue: (() => void)[] = []
  #depth = 0
  #delivering = false
  /** The state subscribers were last told about. */
  #told: AuthState = this.#state

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

  /** Runs `change` (synchronous) and notifies only after it, once every side effect is in place. */
  batch<T>(change: () => T): T {
    this.#depth++
    try {
      return change()
    } finally {
      this.#depth--
      this.#deliver()
    }
  }

  /** Applies `action`; subscribers hear of it when the change is complete (once, with the state then). */
  dispatch(action: AuthAction): void {
    const next = authReducer(this.#state, action)
    if (next === this.#state) return
    this.#state = next
    this.#enqueue(() => {
      if (this.#told === this.#state) return
      this.#told = this.#state
      this.#notify(this.#listeners, this.#state, 'a subscriber')
    })
  }

  emit(event: AuthEvent): void {
    this.#enqueue(() => {
      if (this.#debug) this.#notify(new Set([this.#debug]), event, 'the debug callback')
      this.#notify(this.#eventListeners, event, 'an event listener')
    })
  }

  /** Runs `notification` once the change under way is complete, in order with the state's own notifications. */
  later(notification: () => void): void {
    this.#enqueue(notification)
  }

  /** Drops every listener (on destroy). */
  clear(): void {
    this.#listeners.clear()
    this.#eventListeners.clear()
  }

  #enqueue(notification: () => void): void {
    this.#queue.push(notification)
    this.#deliver()
  }

  #deliver(): void {
    if (this.#depth > 0 || this.#delivering) return
    this.#delivering = true
    try {
      for (let next = this.#queue.shift(); next; next = this.#queue.shift()) next()
    } finally {
      this.#delivering = false
    }
  }

  #notify<T>(listeners: Set<(value: T) => void>, value: T, who: string): void {
    for (const listener of [...listeners]) {
      try {
        listener(value)
      } catch (error) {
        this.#warn(diagnosticText('TL139', who, error))
      }
    }
  }
}

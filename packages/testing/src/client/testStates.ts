import { isConfigurationError, isNetworkError, isServerError, type AuthState } from '@tokenlife/core'
import { describe, kitError } from '../diagnostics/kitError'

/**
 * The session states a scripted client can be put in, each reached by the real engine through the path a browser
 * takes (a start, a refresh the server refuses, a failed request, …):
 *
 * | state | `status` | also |
 * |---|---|---|
 * | `'signed-in'` | `authenticated` | a valid access token, no error |
 * | `'signed-out'` | `unauthenticated` | `reason: 'no_session'` (never signed in, or the session is gone) |
 * | `'loading'` | `initializing` | the first refresh is on the wire (held by the server until `finishLoading()`) |
 * | `'loading-offline'` | `initializing` | `error`: a `NetworkError`; the page opened offline, it retries when online |
 * | `'misconfigured'` | `initializing` | `error`: a `ConfigurationError` (the server refused the client's setup) |
 * | `'offline'` | `authenticated` | `error`: a `NetworkError`; the device is offline, the session is kept |
 * | `'unavailable'` | `authenticated` | `error`: a `ServerError` (503, `Retry-After: 1`); the session is kept |
 * | `'revoked'` | `unauthenticated` | `reason: 'revoked'` (the server refused the refresh token) |
 * | `'logged-out'` | `unauthenticated` | `reason: 'logout'` |
 */
export type TestSessionState =
  | 'signed-in'
  | 'signed-out'
  | 'loading'
  | 'loading-offline'
  | 'misconfigured'
  | 'offline'
  | 'unavailable'
  | 'revoked'
  | 'logged-out'

/** What the engine's state looks like in each. */
export const reached: Record<TestSessionState, (state: AuthState) => boolean> = {
  'signed-in': (state) => state.status === 'authenticated' && state.error === undefined,
  'signed-out': (state) => state.status === 'unauthenticated' && state.reason === 'no_session',
  loading: (state) => state.status === 'initializing' && state.error === undefined,
  'loading-offline': (state) => state.status === 'initializing' && isNetworkError(state.error),
  misconfigured: (state) => state.status === 'initializing' && isConfigurationError(state.error),
  offline: (state) => state.status === 'authenticated' && isNetworkError(state.error),
  unavailable: (state) => state.status === 'authenticated' && isServerError(state.error),
  revoked: (state) => state.status === 'unauthenticated' && state.reason === 'revoked',
  'logged-out': (state) => state.status === 'unauthenticated' && state.reason === 'logout',
}

/** Every state's name. */
export const testSessionStates = Object.keys(reached) as TestSessionState[]

/** States only a client that has not started can be put in (a page that loads). */
export const startStates: readonly TestSessionState[] = ['signed-out', 'loading', 'loading-offline', 'misconfigured']

/** Checks a state name (TL804). */
export function checkState(state: unknown): TestSessionState {
  if (testSessionStates.includes(state as TestSessionState)) return state as TestSessionState
  throw kitError(TypeError, 'TL804', 'state', describe(state), testSessionStates.join(', '))
}

/** A short account of a state, for messages: `unauthenticated (revoked)`, `authenticated with NetworkError`. */
export function describeState(state: AuthState): string {
  const detail = state.reason ? ` (${state.reason})` : state.error ? ` with ${state.error.name}` : ''
  return `${state.status}${detail}`
}

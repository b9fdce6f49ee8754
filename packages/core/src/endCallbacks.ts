import type { UnauthenticatedReason } from './authState'
import { diagnosticText } from './diagnostics/diagnostic'
import type { Environment } from './ports'
import type { StateStore } from './stateStore'

/** Called when a session ends (logout or revocation), to clear app caches. May be async. */
export type SessionEndCallback = (reason: UnauthenticatedReason) => void | Promise<void>

/**
 * Runs the app's cleanup callbacks for an end, all at once. One that throws or rejects is reported (a
 * `cleanup-failed` event and TL140 through `warn`) and stops none of the others. One promise per callback, settled
 * when it has run; none rejects.
 */
export function runEndCallbacks(
  callbacks: Iterable<SessionEndCallback>,
  reason: UnauthenticatedReason,
  state: StateStore,
  warn: Environment['warn'],
): Promise<void>[] {
  return [...callbacks].map(async (callback) => {
    try {
      await callback(reason)
    } catch (error) {
      state.emit({ type: 'cleanup-failed', error })
      warn(diagnosticText('TL140', undefined, error))
    }
  })
}

import type { TestSessionState } from '../../src/index'

/** What the account widget of both DOM tests shows in each state (one line of it, for the signed-in ones). */
export const shown: Record<TestSessionState, string> = {
  'signed-in': 'Signed in as Ada Lovelace',
  'signed-out': 'Please sign in',
  loading: 'Loading…',
  'loading-offline': 'Waiting for the network…',
  misconfigured: 'Sign-in is unavailable',
  offline: 'You are offline',
  unavailable: 'The server is busy',
  revoked: 'Your session has ended',
  'logged-out': 'You signed out',
}

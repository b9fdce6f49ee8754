import type { AuthState, UnauthenticatedReason } from './authState'
import type { AccessTokenInfo } from './tokens'

/** Everything that can change the state. Local work and news from other tabs arrive as the same actions. */
export type AuthAction =
  | { type: 'tokens'; token: AccessTokenInfo }
  | { type: 'ended'; reason: UnauthenticatedReason }
  | { type: 'failed'; error: Error }

/** The one place the state changes. Returns the same object when nothing changed. */
export function authReducer(state: AuthState, action: AuthAction): AuthState {
  switch (action.type) {
    case 'tokens': {
      const { accessToken, claims, expiresAt, sessionEndsAt, identity } = action.token
      if (
        state.status === 'authenticated' &&
        state.accessToken === accessToken &&
        state.sessionEndsAt === sessionEndsAt &&
        state.idToken === identity?.idToken &&
        !state.error
      ) {
        return state
      }
      return { status: 'authenticated', accessToken, claims, expiresAt, ...(sessionEndsAt === undefined ? {} : { sessionEndsAt }), ...identity }
    }
    case 'ended':
      if (state.status === 'unauthenticated' && state.reason === action.reason) return state
      return { status: 'unauthenticated', reason: action.reason }
    case 'failed':
      if (state.status === 'unauthenticated' || state.error === action.error) return state
      return { ...state, error: action.error }
  }
}

// Framework-free helpers shared by the React and Vue examples.
import type { AuthEvent, AuthStatus, TokenClaims, UnauthenticatedReason } from '@tokenlife/core'

export type Tone = 'info' | 'good' | 'warn' | 'bad'

/** What the status pill says. */
export const statusLabel: Record<AuthStatus, string> = {
  initializing: 'initializing',
  authenticated: 'authenticated',
  unauthenticated: 'signed out',
}

/** Why the user is signed out, in human words. */
export const reasonText: Record<UnauthenticatedReason, { title: string; text: string; tone: Tone }> = {
  no_session: {
    title: 'You are not signed in',
    text: 'No session to restore in this browser. Sign in to start one: it survives reloads and every tab shares it.',
    tone: 'info',
  },
  logout: {
    title: 'You signed out',
    text:
      'The session ended with a logout, in this tab or in another one. Every tab of this browser signed out ' +
      'with it.',
    tone: 'info',
  },
  revoked: {
    title: 'The server ended your session',
    text:
      'The refresh token was refused: the password changed, someone logged out everywhere, or the token was ' +
      'used twice. Sign in again to continue.',
    tone: 'bad',
  },
  idle: {
    title: 'Signed out after a while without activity',
    text:
      'Nobody used any tab of this app for the idle timeout, so every tab signed out together and the session was ' +
      'revoked. Sign in again to continue.',
    tone: 'warn',
  },
}

const sourceText: Record<string, string> = {
  login: 'signed in with a password',
  refresh: 'restored with the refresh cookie',
  restore: 'restored from storage',
  setTokens: 'new tokens handed over (password change)',
  tab: 'shared by another tab',
}

const endedText: Record<UnauthenticatedReason, string> = {
  no_session: 'nothing to restore',
  logout: 'logged out, in this tab or another',
  revoked: 'the server refused the refresh token',
  idle: 'no activity in any tab for the idle timeout',
}

const causeText: Record<string, string> = {
  schedule: 'on schedule, before expiry',
  demand: 'a request needed a fresh token',
  retry: 'retrying after a failure',
  explicit: 'asked for (Refresh now)',
  start: 'page load',
}

/** One line of the event log. */
export function describeEvent(event: AuthEvent): { title: string; detail: string; tone: Tone } {
  switch (event.type) {
    case 'session-started':
      return {
        title: 'Session started',
        detail: `${sourceText[event.source] ?? event.source}; token valid until ${clock(event.expiresAt)}`,
        tone: 'good',
      }
    case 'session-ended':
      return {
        title: 'Session ended',
        detail: `${event.reason} · ${endedText[event.reason]}`,
        tone: event.reason === 'revoked' ? 'bad' : event.reason === 'logout' || event.reason === 'idle' ? 'warn' : 'info',
      }
    case 'refresh-started':
      return { title: 'Refresh started', detail: causeText[event.cause] ?? event.cause, tone: 'info' }
    case 'refresh-succeeded':
      return { title: 'Refreshed', detail: `new token valid until ${clock(event.expiresAt)}`, tone: 'good' }
    case 'refresh-failed': {
      const retry = event.retryInMs === undefined ? '' : `; retrying in ${Math.ceil(event.retryInMs / 1000)} s`
      return { title: 'Refresh failed', detail: `${event.error.message}${retry}`, tone: 'bad' }
    }
    case 'configuration-error':
      return { title: 'Misconfigured', detail: event.error.likelyCause, tone: 'bad' }
    case 'wake':
      return { title: 'Woke up', detail: `cause: ${event.cause}`, tone: 'info' }
    case 'revocation-failed':
      return { title: 'Server logout failed', detail: errorText(event.error), tone: 'warn' }
    case 'cleanup-failed':
      return { title: 'Cleanup failed', detail: errorText(event.error), tone: 'warn' }
    case 'idle-warning':
      return { title: 'Idle warning', detail: `every tab signs out at ${clock(event.deadline)} unless you do something`, tone: 'warn' }
    case 'session-ending':
      return { title: 'Session ending', detail: `the server ends it at ${clock(event.sessionEndsAt)}; sign in again to continue after`, tone: 'warn' }
  }
}

/** `'14:03:21'` in the local time zone. */
export function clock(ms: number): string {
  return new Date(ms).toLocaleTimeString('en-GB', { hour12: false })
}

/** `'0:07'`, `'12:30'`, `'1:02:03'`. */
export function duration(totalSeconds: number): string {
  const s = Math.max(0, Math.round(totalSeconds))
  const hours = Math.floor(s / 3600)
  const minutes = Math.floor((s % 3600) / 60)
  const seconds = String(s % 60).padStart(2, '0')
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${seconds}` : `${minutes}:${seconds}`
}

/** A claim value as text, with the time spelled out for `iat`, `exp` and `nbf`. */
export function claimText(key: string, value: unknown): { value: string; note?: string } {
  const text = typeof value === 'string' ? value : JSON.stringify(value)
  if ((key === 'iat' || key === 'exp' || key === 'nbf') && typeof value === 'number') {
    return { value: text, note: clock(value * 1000) }
  }
  return { value: text }
}

/** The claims in a stable, readable order: who first, then times, then the rest. */
export function sortedClaims(claims: TokenClaims): Array<[string, unknown]> {
  const order = ['sub', 'name', 'email', 'iat', 'exp', 'ver', 'jti', 'iss', 'aud']
  const rank = (key: string) => (order.includes(key) ? order.indexOf(key) : order.length)
  return Object.entries(claims).sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b))
}

/** The token lifetime the claims describe, seconds (`exp - iat`). */
export function lifetimeSeconds(claims: TokenClaims | undefined): number | undefined {
  return typeof claims?.exp === 'number' && typeof claims.iat === 'number' ? claims.exp - claims.iat : undefined
}

export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

/** `'Demo User'` → `'DU'`. */
export function initials(name: string): string {
  return name
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((part) => part[0]?.toUpperCase())
    .join('')
}

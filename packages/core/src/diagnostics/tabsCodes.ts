import type { DiagnosticEntry } from './diagnosticEntry'

/** `'QuotaExceededError: …'` for errors and DOMExceptions, the value itself otherwise. */
const describeError = (error: unknown): string =>
  typeof error === 'object' && error !== null && 'message' in error
    ? `${(error as Error).name}: ${(error as Error).message}`
    : String(error)

/** TL301–TL309: tabs, the refresh lock, the cross-tab channel and storage. */
export const tabsCodes = {
  TL301: {
    kind: 'warning',
    raises: 'environment.warn',
    title: 'A storage adapter failed: the session is kept in memory for this page',
    message: (name?: string, error?: unknown) =>
      `${name} failed (${describeError(error)}); keeping the session in memory for this page. ` +
      'It will not survive a reload or be shared with other tabs. ' +
      `Free up or unblock ${name}, or pass memoryStorage() as the storage to make this explicit.`,
    meaning: 'The first call of a storage adapter threw or rejected. tokenlife logged this once and keeps the session in memory for the rest of the page\'s life; a logout still clears the original store.',
    cause: 'A full `localStorage` (`QuotaExceededError`), storage blocked by the browser or a private mode (`SecurityError`), or IndexedDB refused.',
    fix: 'Free up or unblock the storage. Where there is none on purpose, pass `memoryStorage()`.',
    production: 'kept',
  },
  TL302: {
    kind: 'warning',
    raises: 'environment.warn',
    title: 'A storage write failed',
    message: (_subject?: string, error?: unknown) => `storage failed: ${String(error)}`,
    meaning: 'Writing or clearing the refresh token or the persisted access token failed after the adapter\'s memory fallback. The next storage work still runs.',
    cause: 'An adapter of your own whose fallback failed too, or a bug in it.',
    fix: 'Check the adapter; the warning shows the error.',
    production: 'kept',
  },
  TL303: {
    kind: 'warning',
    raises: 'environment.warn',
    title: 'The tab holding the refresh lock does not answer: taking it over',
    message: (_subject?: string, timeoutMs?: unknown) =>
      `the tab holding the refresh lock for over ${timeoutMs} ms does not answer (hung or frozen); taking it over`,
    meaning: 'A tab waited `timing.lockTimeoutMs` for the refresh lock, asked the holder whether it is alive and got no answer, and no refresh of the holder is on the wire; it took the lock over.',
    cause: 'A tab whose page is frozen or busy (a long task, a debugger stopped at a breakpoint).',
    fix: 'Nothing if it is rare. Often: look for long tasks in the page.',
    production: 'kept',
  },
  TL304: {
    kind: 'warning',
    raises: 'environment.warn',
    title: 'The cross-tab channel could not be opened',
    message: (_subject?: string, error?: unknown) => `could not open the cross-tab channel (${String(error)}); this tab will not share its session`,
    meaning: 'This tab works on its own: it does not share tokens or hear its siblings\' logouts over the channel (the shared marks still reach it on wake-ups).',
    cause: 'A browser that refuses `BroadcastChannel` (some embedded views), or a custom `environment.openChannel` that threw.',
    fix: 'Check `environment.openChannel` if you replaced it.',
    production: 'kept',
  },
  TL305: {
    kind: 'warning',
    raises: 'environment.warn',
    title: 'A message could not be posted to the cross-tab channel',
    message: (_subject?: string, error?: unknown) => `could not post to the cross-tab channel: ${String(error)}`,
    meaning: 'One message did not reach the other tabs. They catch up from the shared marks when they wake up.',
    cause: 'A closed channel, or a custom channel whose `postMessage` threw.',
    fix: 'Check `environment.openChannel` if you replaced it.',
    production: 'kept',
  },
  TL306: {
    kind: 'error',
    raises: 'TokenlifeError (transient)',
    title: 'The refresh lock was taken over meanwhile',
    message: () => 'tokenlife: the refresh lock was taken over meanwhile',
    meaning: 'This tab was about to send a refresh when it learnt that another tab had taken its lock over (it was frozen or hung). It did not send, so no refresh token is presented twice; the caller may retry.',
    cause: 'A tab that thawed after a long freeze.',
    fix: 'Nothing: the next call gets the token the other tab obtained.',
    production: 'kept',
  },
  TL307: {
    kind: 'error',
    raises: 'Error (caught: see TL301)',
    title: 'Web Storage is not available here',
    message: (name?: string) =>
      `${name} is not available here (server-side rendering, a worker or an old browser?). Use memoryStorage() where there is no ${name}.`,
    meaning: '`webStorage()` was used where there is no `localStorage` / `sessionStorage`. The client falls back to memory with warning TL301.',
    cause: 'Server-side rendering, a worker, or a browser that hides Web Storage.',
    fix: 'Use `memoryStorage()` there.',
    production: 'kept',
  },
  TL308: {
    kind: 'error',
    raises: 'Error (caught: see TL301)',
    title: 'IndexedDB is not available here',
    message: () =>
      'IndexedDB is not available here (server-side rendering, a worker without it, or an old browser?). Use memoryStorage() where there is no indexedDB.',
    meaning: '`indexedDbStorage()` was used where there is no IndexedDB. The client falls back to memory with warning TL301.',
    cause: 'Server-side rendering, a worker without IndexedDB, or a private mode that hides it.',
    fix: "Use `memoryStorage()` or `webStorage('session')` there.",
    production: 'kept',
  },
  TL309: {
    kind: 'error',
    raises: 'TokenlifeError (transient)',
    title: 'A refresh was put off: the device slept while it was about to leave',
    message: () => 'tokenlife: a refresh was put off: the device slept or the tab froze each time it recorded the request',
    meaning:
      'Before a refresh request leaves, tokenlife records when it leaves, so that a tab taking over after this one closes waits for its answer. The request could not leave within 2 s of the time recorded (the device slept, the tab froze or IndexedDB hung while the record was written, three times in a row, or while a DPoP proof was signed), so the record would not have said when it left. It did not send, so no refresh token is presented twice; the caller may retry, and a scheduled refresh tries again on its own.',
    cause: 'A device that went to sleep, again and again, in the moment a refresh was about to leave, or an IndexedDB that hangs in a tab whose timers the browser throttles.',
    fix: 'Nothing: the next call refreshes. If it repeats, look at IndexedDB in the browser (a blocked upgrade, a full disk).',
    production: 'kept',
  },
} as const satisfies Record<string, DiagnosticEntry>

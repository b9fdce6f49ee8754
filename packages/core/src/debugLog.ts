import type { AuthEvent } from './authEvents'
import type { Environment } from './ports'

/**
 * The `localStorage` key that switches debug logging on in a running app, in both builds, without a deploy:
 * `localStorage.setItem('tokenlife:debug', '*')` (every client) or `'my-app,default'` (clients of those namespaces).
 * Read through `environment.sharedMarks` each time an event happens, so it takes effect at once and ends with
 * `localStorage.removeItem('tokenlife:debug')`. Off by default.
 */
export const DEBUG_KEY = 'tokenlife:debug'

/** Whether the runtime switch is on for clients of `namespace`. */
export function debugSwitchedOn(env: Pick<Environment, 'sharedMarks'>, namespace: string): boolean {
  let value: string | null | undefined
  try {
    value = env.sharedMarks?.get(DEBUG_KEY)
  } catch {
    return false
  }
  if (!value) return false
  const wanted = value.split(',').map((name) => name.trim())
  return wanted.includes('*') || wanted.includes('true') || wanted.includes('1') || wanted.includes(namespace)
}

/**
 * What the debug log prints of a value: errors by name, code, status, OAuth code and URL only. Never a message or a
 * problem, which a custom wire format may have filled with a response body, and so never a token. Events carry no
 * token themselves.
 */
function redact(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value
  const error = value as Partial<Record<'name' | 'code' | 'status' | 'error' | 'url' | 'reason' | 'transient' | 'timedOut', unknown>>
  const kept = { name: error.name, code: error.code, status: error.status, error: error.error, url: error.url, reason: error.reason }
  return Object.fromEntries(Object.entries({ ...kept, transient: error.transient, timedOut: error.timedOut }).filter(([, field]) => field !== undefined))
}

/**
 * The runtime debug log of one client: while {@link debugSwitchedOn}, prints each event through `console.debug`
 * with the namespace, its type and its fields (errors redacted: see `redact`).
 */
export function createDebugLog(env: Pick<Environment, 'sharedMarks'>, namespace: string): (event: AuthEvent) => void {
  return (event) => {
    if (!debugSwitchedOn(env, namespace)) return
    const fields = Object.fromEntries(Object.entries(event).filter(([key]) => key !== 'type').map(([key, field]) => [key, key === 'error' ? redact(field) : field]))
    // eslint-disable-next-line no-console
    console.debug(`[tokenlife] ${namespace} ${event.type}`, fields)
  }
}

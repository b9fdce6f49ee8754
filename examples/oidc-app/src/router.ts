import { useSyncExternalStore } from 'react'

const listeners = new Set<() => void>()

/** Goes to `path` in this app without a page load. */
export function navigate(path: string, { replace = false } = {}): void {
  if (replace) history.replaceState(null, '', path)
  else history.pushState(null, '', path)
  for (const listener of listeners) listener()
}

const subscribe = (listener: () => void) => {
  listeners.add(listener)
  addEventListener('popstate', listener)
  return () => {
    listeners.delete(listener)
    removeEventListener('popstate', listener)
  }
}

/** The page's path, kept current (a router of three routes needs no library). */
export function usePath(): string {
  return useSyncExternalStore(subscribe, () => location.pathname)
}

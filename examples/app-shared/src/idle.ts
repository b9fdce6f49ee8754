// The demo's idle timeout, shared by both apps.
import { idleTimeout } from '@tokenlife/core'

/**
 * 15 minutes without activity in any tab signs every tab out, with a one-minute warning. To see the dialog without
 * waiting, open the app with `?idle=<seconds>` (at least 10), e.g. `/react/?idle=90`: the warning comes after 30 s.
 */
export function demoIdleTimeout(search = typeof location === 'undefined' ? '' : location.search) {
  const seconds = Number(new URLSearchParams(search).get('idle'))
  const timeoutMs = Number.isFinite(seconds) && seconds >= 10 ? seconds * 1000 : 15 * 60_000
  return idleTimeout({ timeoutMs, warnMs: Math.min(60_000, timeoutMs / 2) })
}

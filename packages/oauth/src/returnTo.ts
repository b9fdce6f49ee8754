import { ReturnToError } from './errors'

/**
 * `returnTo` as a path on the page's origin (`/account?tab=2#top`), or a {@link ReturnToError} when it would leave
 * the origin (`https://evil.example`, `//evil.example`, `javascript:…`): after a sign-in or logout the app only ever
 * goes back to itself.
 */
export function sameOriginPath(returnTo: unknown, pageUrl: string): string {
  const page = new URL(pageUrl)
  let target: URL | undefined
  try {
    target = typeof returnTo === 'string' ? new URL(returnTo, page) : undefined
  } catch {
    target = undefined
  }
  if (!target || target.origin !== page.origin) throw new ReturnToError(String(returnTo), page.origin)
  return `${target.pathname}${target.search}${target.hash}`
}

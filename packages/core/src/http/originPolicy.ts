import type { NormalizedOptions } from '../options'

/** Decides which request URLs may carry the access token. Built by {@link createOriginPolicy}. */
export interface OriginPolicy {
  /** Whether a request to `url` (absolute, or relative to the page) may carry the access token. */
  allows(url: string | URL): boolean
}

/** The parts of the client's options the policy is built from. */
export type OriginPolicySource = Pick<NormalizedOptions, 'allowedOrigins' | 'refreshUrl' | 'loginUrl' | 'logoutUrl'>

interface Allowlist {
  origins: Set<string>
  prefixes: string[]
}

const hasScheme = /^[a-z][a-z\d+.-]*:/i

/** The page's URL, read when needed (never at import time), or `undefined` outside a browser. */
const defaultPageUrl = (): string | undefined => (globalThis as { location?: { href?: string } }).location?.href

const fail = (entry: string, why: string): never => {
  throw new TypeError(`tokenlife: option \`allowedOrigins\` entry ${JSON.stringify(entry)} ${why}`)
}

/**
 * Rejects `allowedOrigins` entries that could never match what the app meant (a wildcard, no scheme, not a URL),
 * with a `TypeError` naming the entry. Runs when the client is created.
 */
export function checkAllowedOrigins(entries: readonly string[]): void {
  for (const entry of entries) checkEntry(entry)
}

function checkEntry(entry: string): void {
  if (entry.includes('*')) fail(entry, 'has a wildcard; list each origin (e.g. "https://api.example.com")')
  if (hasScheme.test(entry)) {
    if (parse(entry, undefined) === undefined) fail(entry, 'is not a valid URL')
    return
  }
  if (!entry.startsWith('/') && !entry.startsWith('.')) {
    fail(entry, `has no scheme; write it as an origin such as "https://${entry.replace(/\/.*$/, '')}"`)
  }
}

function parse(url: string | URL, base: string | undefined): URL | undefined {
  try {
    return new URL(url, base)
  } catch {
    return undefined
  }
}

/** An entry names an origin when it has no path beyond `/` (and no query or fragment); otherwise it is a URL prefix. */
function build(source: OriginPolicySource, page: string | undefined): Allowlist {
  const origins = new Set<string>()
  const prefixes: string[] = []
  const addOrigin = (url: URL | undefined) => {
    // Opaque origins ("null": file:, data:, sandboxed frames) never match anything.
    if (url && url.origin !== 'null') origins.add(url.origin)
  }
  addOrigin(page === undefined ? undefined : parse(page, undefined))
  for (const endpoint of [source.refreshUrl, source.loginUrl, source.logoutUrl]) {
    if (endpoint !== undefined) addOrigin(parse(endpoint, page))
  }
  for (const entry of source.allowedOrigins) {
    const url = parse(entry, page)
    if (url === undefined || url.origin === 'null') continue // relative, and no page to resolve it against
    if (url.pathname === '/' && url.search === '' && url.hash === '') addOrigin(url)
    else prefixes.push(url.href)
  }
  return { origins, prefixes }
}

/** A prefix matches on a path-segment boundary: `https://api.test/v1` matches `/v1` and `/v1/x`, not `/v10`. */
function matchesPrefix(href: string, prefix: string): boolean {
  if (!href.startsWith(prefix)) return false
  if (href.length === prefix.length || prefix.endsWith('/')) return true
  const next = href[prefix.length]
  return next === '/' || next === '?' || next === '#'
}

/**
 * Builds the allowlist of URLs that may receive the access token: the page's own origin, the origins of
 * `refreshUrl`, `loginUrl` and `logoutUrl`, and every entry of `allowedOrigins`. An entry without a path
 * (`https://api.example.com`) allows exactly that origin (scheme, host and port); an entry with a path
 * (`https://cdn.example.com/private/`, `/api/`) allows URLs under that prefix, on a path-segment boundary. Relative
 * entries and endpoints resolve against the page, which is read lazily (server-side rendering is safe).
 *
 * @throws TypeError when an entry has a wildcard, no scheme, or does not parse.
 *
 * @example
 * ```ts
 * const policy = createOriginPolicy({
 *   refreshUrl: '/auth/refresh',
 *   loginUrl: undefined,
 *   logoutUrl: undefined,
 *   allowedOrigins: ['https://api.example.com', 'https://files.example.com/private/'],
 * })
 * policy.allows('https://api.example.com/users') // true
 * policy.allows('https://api.example.com.evil.test/users') // false
 * policy.allows('https://files.example.com/public/x') // false
 * ```
 */
export function createOriginPolicy(
  source: OriginPolicySource,
  pageUrl: () => string | undefined = defaultPageUrl,
): OriginPolicy {
  source.allowedOrigins.forEach(checkEntry)
  let builtFor: string | undefined
  let allowlist: Allowlist | undefined
  const current = (page: string | undefined): Allowlist => {
    if (allowlist === undefined || builtFor !== page) {
      allowlist = build(source, page)
      builtFor = page
    }
    return allowlist
  }
  return {
    allows(url) {
      const page = pageUrl()
      const parsed = parse(url, page)
      if (parsed === undefined) return false
      const { origins, prefixes } = current(page)
      if (origins.has(parsed.origin)) return true
      if (prefixes.length === 0) return false
      const href = parsed.href
      return prefixes.some((prefix) => matchesPrefix(href, prefix))
    },
  }
}

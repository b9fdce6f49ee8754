import { invalid } from './diagnostics/diagnostic'
import type { Environment } from './ports'

/** Decides which request URLs may carry the access token. Built by {@link createOriginPolicy}. */
export interface OriginPolicy {
  /**
   * Whether a request to `url` may carry the access token. A relative `url` is resolved against the document's base
   * URL (`Environment.baseUrl`), as `fetch` resolves it; callers that go on to fetch should resolve it themselves
   * with {@link resolveRequestUrl} and fetch that same absolute URL.
   */
  allows(url: string | URL): boolean
}

/** The parts of the client's options the policy is built from (the endpoints' origins are trusted too). */
export interface OriginPolicySource {
  allowedOrigins: readonly string[]
  refreshUrl: string
  loginUrl: string | undefined
  logoutUrl: string | undefined
}

/** The environment ports the policy reads: the page's own URL (trusted) and the base URL (for resolving). */
export type OriginPolicyPorts = Pick<Environment, 'pageUrl' | 'baseUrl'>

interface Allowlist {
  origins: Set<string>
  prefixes: string[]
}

const hasScheme = /^[a-z][a-z\d+.-]*:/i
/** `localhost:8080`, `api.example.com:443/v1`: a host and port that the URL parser would read as a scheme. */
const hostAndPort = /^([a-z\d.-]+|\[[\da-f:.]+\]):\d+(?:[/?#].*)?$/i
/** Percent-encoded `/` and `\`: a server that decodes them before routing sees another path than the one judged. */
const encodedSeparator = /%2f|%5c/i

/**
 * Rejects an `allowedOrigins` entry that could never match what the app meant, with a `TypeError` naming the entry
 * (TL117–TL123; the development build's message gives the corrected form). An entry must be an absolute
 * `http:`/`https:` origin (`https://api.example.com`) or URL prefix (`https://files.example.com/private/`). Runs when
 * the client is created, in both builds.
 */
function checkEntry(entry: string): void {
  if (entry.includes('*')) invalid('TL117', entry)
  if (entry[0] === '.') invalid('TL118', entry)
  if (entry[0] === '/' && entry[1] !== '/') invalid('TL119', entry)
  // `localhost:8080` parses as the scheme "localhost:"; `//api.example.com` has none.
  if (!hasScheme.test(entry) || (hostAndPort.test(entry) && !/^https?:/i.test(entry))) invalid('TL120', entry)
  const url = parse(entry, undefined)
  if (url === undefined) return invalid('TL121', entry)
  if (url.protocol !== 'http:' && url.protocol !== 'https:') invalid('TL122', entry)
  if (url.username !== '' || url.password !== '') invalid('TL123', entry)
}

function parse(url: string | URL, base: string | undefined): URL | undefined {
  try {
    return new URL(url, base)
  } catch {
    return undefined
  }
}

/**
 * The absolute URL a request to `input` goes to, resolved against `base` (the document's base URL) exactly as
 * `fetch` would resolve it; `undefined` when it does not resolve (a relative URL where there is no base URL).
 */
export function resolveRequestUrl(input: string | URL, base: string | undefined): URL | undefined {
  return parse(input, base)
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
  // Endpoints were made absolute when the client was created (where there was a document); on the server a
  // relative one resolves against the page, i.e. matches nothing.
  for (const endpoint of [source.refreshUrl, source.loginUrl, source.logoutUrl]) {
    if (endpoint !== undefined) addOrigin(parse(endpoint, page))
  }
  for (const entry of source.allowedOrigins) {
    const url = parse(entry, undefined)
    if (url === undefined || url.origin === 'null') continue
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
 * Builds the allowlist of URLs that may receive the access token: the page's own origin (`Environment.pageUrl`,
 * never the `<base>` URL), the origins of `refreshUrl`, `loginUrl` and `logoutUrl`, and every entry of
 * `allowedOrigins`. An entry without a path (`https://api.example.com`) allows exactly that origin (scheme, host and
 * port); an entry with a path (`https://cdn.example.com/private/`) allows URLs under that prefix, on a path-segment
 * boundary, after the URL parser's normalisation, and never a URL whose path holds an encoded `/` or `\`
 * (`%2F`, `%5C`). A prefix is a convenience, not a security boundary: the unit of trust is the origin (a same-origin
 * redirect keeps the `Authorization` header). Only `http:` and `https:` URLs match (a `blob:` URL's origin is its
 * creator's, but nothing is sent over the network); a URL with credentials (`https://user@host/`) never matches:
 * `fetch` refuses it anyway. The page is read lazily (server-side rendering is safe).
 *
 * @throws TypeError when an entry is not an absolute http(s) origin or URL prefix (see `checkEntry`).
 *
 * @example
 * ```ts
 * const policy = createOriginPolicy(
 *   {
 *     refreshUrl: 'https://app.example.com/auth/refresh',
 *     loginUrl: undefined,
 *     logoutUrl: undefined,
 *     allowedOrigins: ['https://api.example.com', 'https://files.example.com/private/'],
 *   },
 *   createBrowserEnvironment(),
 * )
 * policy.allows('https://api.example.com/users') // true
 * policy.allows('https://api.example.com.evil.test/users') // false
 * policy.allows('https://files.example.com/public/x') // false
 * ```
 */
export function createOriginPolicy(source: OriginPolicySource, ports: OriginPolicyPorts): OriginPolicy {
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
      const parsed = parse(url, ports.baseUrl())
      if (parsed === undefined || parsed.username !== '' || parsed.password !== '') return false
      if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return false
      const { origins, prefixes } = current(ports.pageUrl())
      if (origins.has(parsed.origin)) return true
      if (prefixes.length === 0 || encodedSeparator.test(parsed.pathname)) return false
      const href = parsed.href
      return prefixes.some((prefix) => matchesPrefix(href, prefix))
    },
  }
}

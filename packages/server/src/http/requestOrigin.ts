import { invalid } from '../diagnostics/diagnostic'

/**
 * Where a request came from and how it reached us, with or without a trusted reverse proxy in front. Only when
 * `trustProxy` is on are `X-Forwarded-Proto`, `X-Forwarded-Host` and `X-Forwarded-For` believed: anyone can send
 * them, so without a proxy that overwrites them they prove nothing.
 */
export interface ProxySetting {
  /** Believe `X-Forwarded-*`: only behind a reverse proxy that overwrites them (see `AuthHandlerOptions.trustProxy`). */
  trustProxy: boolean
}

/** The first value of a comma-separated forwarding header, trimmed; `undefined` when absent or empty. */
function firstForwarded(request: Request, name: string): string | undefined {
  const value = request.headers.get(name)?.split(',')[0]?.trim()
  return value ? value : undefined
}

/** `'https:'` when the request reached the server (or, with `trustProxy`, the proxy) over TLS, else `'http:'`. */
export function requestProtocol(request: Request, { trustProxy }: ProxySetting): 'http:' | 'https:' {
  if (trustProxy) {
    const forwarded = firstForwarded(request, 'x-forwarded-proto')?.toLowerCase()
    if (forwarded === 'https' || forwarded === 'http') return `${forwarded}:`
  }
  return new URL(request.url).protocol === 'https:' ? 'https:' : 'http:'
}

/**
 * The server's own origin as the browser addressed it: scheme (see {@link requestProtocol}) and host (with
 * `trustProxy`, `X-Forwarded-Host` when present). `undefined` when that is not a valid host.
 */
export function requestOrigin(request: Request, setting: ProxySetting): string | undefined {
  const host = (setting.trustProxy && firstForwarded(request, 'x-forwarded-host')) || new URL(request.url).host
  try {
    const url = new URL(`${requestProtocol(request, setting)}//${host}`)
    return url.host === '' ? undefined : url.origin
  } catch {
    return undefined
  }
}

/**
 * The client's address: with `trustProxy` the last `X-Forwarded-For` hop (the one our proxy added), else what the
 * host framework says (`peer`: the socket's remote address), else `'unknown'`.
 */
export function clientIp(request: Request, { trustProxy }: ProxySetting, peer: string | undefined): string {
  if (trustProxy) {
    const hops = (request.headers.get('x-forwarded-for') ?? '').split(',').map((hop) => hop.trim()).filter(Boolean)
    const last = hops[hops.length - 1]
    if (last) return last.slice(0, 64)
  }
  return peer ?? 'unknown'
}

/**
 * Turns configured origins into the exact strings browsers send in `Origin` (lower case; a trailing `/` is
 * allowed). Throws a `TypeError` for anything that is not a bare `http(s)://host[:port]` origin: `TL606`,
 * or `TL607` with the corrected form when there is one.
 *
 * @example
 * ```ts
 * normalizeAllowedOrigins(['https://App.example.com/', 'http://localhost:5173']) // Set { 'https://app.example.com', 'http://localhost:5173' }
 * normalizeAllowedOrigins(['https://app.example.com/app']) // TypeError TL607: … use "https://app.example.com"
 * ```
 */
export function normalizeAllowedOrigins(origins: readonly string[]): Set<string> {
  const normalized = new Set<string>()
  for (const entry of origins) {
    let url: URL | undefined
    try {
      url = new URL(entry)
    } catch {
      url = undefined
    }
    if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.host === '') invalid('TL606', 'allowedOrigins', entry)
    const bare = entry.endsWith('/') ? entry.slice(0, -1) : entry
    if (bare.toLowerCase() !== url.origin) invalid('TL607', 'allowedOrigins', entry, url.origin)
    normalized.add(url.origin)
  }
  return normalized
}

/**
 * Why a state-changing request must be refused as cross-site, or `undefined` to let it through:
 *
 * - with an `Origin` header, it must be the server's own origin (see {@link requestOrigin}) or one of
 *   `allowedOrigins`; `Origin: null` (sandboxed frames, privacy redirects) never is;
 * - without `Origin`, a `Sec-Fetch-Site` of `cross-site` or `same-site` is refused (a browser said so);
 * - with neither, the request is not from a browser that could be tricked into it (curl, a server, a test): it passes.
 */
export function crossSiteRefusal(request: Request, setting: ProxySetting & { allowedOrigins: ReadonlySet<string> }): string | undefined {
  const origin = request.headers.get('origin')
  if (origin !== null) {
    if (origin === requestOrigin(request, setting) || setting.allowedOrigins.has(origin)) return undefined
    return `cross-site request refused: Origin ${origin.slice(0, 200)} is not allowed`
  }
  const site = request.headers.get('sec-fetch-site')?.trim().toLowerCase()
  if (site === 'cross-site' || site === 'same-site') return `cross-site request refused (Sec-Fetch-Site: ${site})`
  return undefined
}

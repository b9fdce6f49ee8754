const tokenPattern = /[!#$%&'*+.^_`|~\w-]+/y
const token68Pattern = /[\w.~+/-]+=*/y
const quotedPattern = /"((?:[^"\\]|\\.)*)"/y

function readAt(pattern: RegExp, text: string, at: number): RegExpExecArray | null {
  pattern.lastIndex = at
  return pattern.exec(text)
}

/**
 * The auth-params of the `scheme` challenge (`'bearer'`, RFC 6750 §3; `'dpop'`, RFC 9449 §7.1) in a
 * `WWW-Authenticate` header, names in lower case, or `undefined` when the header has no such challenge. Handles
 * several challenges in one header, `token68` credentials and quoted strings with escapes; stops quietly at
 * malformed input.
 *
 * @example
 * ```ts
 * parseChallenge('Basic realm="x", Bearer realm="api", error="invalid_token"', 'bearer')
 * // → { realm: 'api', error: 'invalid_token' }
 * ```
 */
export function parseChallenge(header: string | null | undefined, wanted: 'bearer' | 'dpop'): Record<string, string> | undefined {
  if (!header) return undefined
  let found: Record<string, string> | undefined
  let scheme: string | undefined
  /** Whether the next bare word (not `name=value`) starts a new challenge: at the start, or after a comma. */
  let expectScheme = true
  let at = 0
  const skipSpace = () => {
    while (at < header.length && (header[at] === ' ' || header[at] === '\t')) at++
  }
  while (at < header.length) {
    skipSpace()
    if (header[at] === ',') {
      at++
      expectScheme = true
      continue
    }
    const name = readAt(tokenPattern, header, at)
    if (!name) break
    at = name.index + name[0].length
    skipSpace()
    if (header[at] === '=') {
      at++
      skipSpace()
      const quoted = readAt(quotedPattern, header, at)
      const bare = quoted ? null : readAt(tokenPattern, header, at)
      if (quoted || bare) {
        const value = quoted ? (quoted[1] ?? '').replace(/\\(.)/g, '$1') : (bare?.[0] ?? '')
        at += (quoted ?? bare)![0].length
        if (scheme === wanted && found) found[name[0].toLowerCase()] ??= value
        continue
      }
      // `name=` followed by something else: this was a token68 such as `abc==`.
      const token68 = readAt(token68Pattern, header, name.index)
      at = name.index + (token68?.[0].length ?? name[0].length)
      continue
    }
    if (expectScheme) {
      scheme = name[0].toLowerCase()
      if (scheme === wanted) found ??= {}
      expectScheme = false
      continue
    }
    // A bare word after a scheme is its token68 credential.
    const token68 = readAt(token68Pattern, header, name.index)
    at = name.index + (token68?.[0].length ?? name[0].length)
  }
  return found
}

/** The `Bearer` challenge's auth-params: {@link parseChallenge} for `'bearer'`. */
export const parseBearerChallenge = (header: string | null | undefined): Record<string, string> | undefined => parseChallenge(header, 'bearer')

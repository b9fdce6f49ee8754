/** The value of cookie `name` in the request's `Cookie` header (the first, percent-decoded when it can be). */
export function readCookie(request: Request, name: string): string | undefined {
  for (const part of (request.headers.get('cookie') ?? '').split(';')) {
    const index = part.indexOf('=')
    if (index < 0 || part.slice(0, index).trim() !== name) continue
    const raw = part.slice(index + 1).trim().replace(/^"(.*)"$/, '$1')
    try {
      return decodeURIComponent(raw)
    } catch {
      return raw
    }
  }
  return undefined
}

/** Attributes of the refresh cookie. */
export interface CookieAttributes {
  path: string
  secure: boolean
  /** Seconds; `0` deletes the cookie. */
  maxAge: number
}

/** A `Set-Cookie` value: `HttpOnly; SameSite=Strict`, always. */
export function serializeCookie(name: string, value: string, attributes: CookieAttributes): string {
  const parts = [`${name}=${encodeURIComponent(value)}`, `Max-Age=${Math.floor(attributes.maxAge)}`, `Path=${attributes.path}`, 'HttpOnly']
  if (attributes.secure) parts.push('Secure')
  parts.push('SameSite=Strict')
  return parts.join('; ')
}

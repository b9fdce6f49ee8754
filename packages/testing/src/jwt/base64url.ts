// Base64url without Node's Buffer: the kit runs in Node, jsdom, happy-dom and real browsers (E2E).

/** Bytes as base64url without padding (RFC 7515 §2). */
export function base64urlBytes(bytes: Uint8Array): string {
  let binary = ''
  for (const byte of bytes) binary += String.fromCharCode(byte)
  return btoa(binary).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_')
}

/** A string's UTF-8 bytes as base64url. */
export const base64url = (text: string): string => base64urlBytes(new TextEncoder().encode(text))

/** The bytes of a base64url string. */
export function fromBase64url(value: string): Uint8Array {
  const base64 = value.replace(/-/g, '+').replace(/_/g, '/')
  const binary = atob(base64 + '='.repeat((4 - (base64.length % 4)) % 4))
  return Uint8Array.from(binary, (char) => char.charCodeAt(0))
}

/** The JSON object a JWT carries in its payload, or `undefined` when `token` is not a JWT. */
export function jwtPayload(token: string): Record<string, unknown> | undefined {
  const parts = token.split('.')
  if (parts.length !== 3) return undefined
  try {
    const payload: unknown = JSON.parse(new TextDecoder().decode(fromBase64url(parts[1]!)))
    return typeof payload === 'object' && payload !== null ? (payload as Record<string, unknown>) : undefined
  } catch {
    return undefined
  }
}

const base64url = (value: string) =>
  Buffer.from(value, 'utf8').toString('base64').replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_')

/**
 * Mints an unsigned JWT (tokenlife decodes but never verifies; servers verify). `iat` and `exp` are epoch seconds.
 */
export function mintJwt(claims: Record<string, unknown>): string {
  return `${base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }))}.${base64url(JSON.stringify(claims))}.sig`
}

/** An access token issued at `nowMs` (server time) that lives `lifetimeSeconds`. */
export function mintAccessToken(nowMs: number, lifetimeSeconds: number, extra: Record<string, unknown> = {}): string {
  const iat = Math.floor(nowMs / 1000)
  return mintJwt({ sub: 'user-1', iat, exp: iat + lifetimeSeconds, ...extra })
}

import { createHash, createHmac, randomBytes } from 'node:crypto'

/** A new opaque refresh token: 256 random bits, base64url (43 characters). The issuer makes them; you need not. */
export function generateRefreshToken(): string {
  return randomBytes(32).toString('base64url')
}

/** A new seed for a refresh token's successor (see {@link deriveSuccessor}). */
export function generateSeed(): string {
  return randomBytes(16).toString('base64url')
}

/**
 * What the store keeps instead of the refresh token itself: SHA-256, base64url. A leaked store holds no usable
 * token. To look a token up yourself: `store.getRefreshToken(hashRefreshToken(token))`.
 */
export function hashRefreshToken(token: string): string {
  return createHash('sha256').update(token).digest('base64url')
}

/**
 * The refresh token that replaces `token`: HMAC-SHA256 keyed by the token itself over the seed stored with it. The
 * same token always has the same successor, so a retry within the retry window gets the very token the first answer
 * carried, whichever instance answers it. Neither half alone gives it: a thief holding only the token lacks the seed,
 * a reader of the store holding only the seed lacks the token (the store has its hash).
 */
export function deriveSuccessor(token: string, seed: string): string {
  return createHmac('sha256', token).update(seed).digest('base64url')
}

import { invalid } from '../diagnostics/diagnostic'

/** The least length of an HS256 secret (RFC 7518 §3.2: a key at least as long as the hash output). */
export const MIN_SECRET_BYTES = 32
/** The least estimated entropy of a secret: what 16 random bytes have. */
export const MIN_SECRET_ENTROPY_BITS = 128

/**
 * A rough upper estimate of the secret's entropy in bits. It cannot prove a secret random, but it catches the usual
 * mistakes: a repeated character, word or block (`'x'.repeat(64)`, `'secret'.repeat(8)`), a run such as
 * `'abcdef…'`, a short hex string. It is the length of the secret's shortest repeating unit times the smaller of two
 * Shannon entropies: of its byte frequencies, and of the differences between neighbouring bytes. 32 random bytes
 * score about 150, 64 random hex digits about 240.
 */
export function estimateSecretEntropyBits(secret: Uint8Array): number {
  const deltas: number[] = []
  for (let i = 1; i < secret.length; i += 1) deltas.push(((secret[i] ?? 0) - (secret[i - 1] ?? 0) + 256) % 256)
  return Math.min(shannonBitsPerSymbol(secret), shannonBitsPerSymbol(deltas)) * shortestPeriod(secret)
}

function shannonBitsPerSymbol(symbols: ArrayLike<number>): number {
  const counts = new Map<number, number>()
  for (let i = 0; i < symbols.length; i += 1) counts.set(symbols[i] ?? 0, (counts.get(symbols[i] ?? 0) ?? 0) + 1)
  let bits = 0
  for (const count of counts.values()) bits -= (count / symbols.length) * Math.log2(count / symbols.length)
  return bits
}

/** The length of the shortest unit the bytes repeat (`'abcabcabc'` → 3); the whole length when they do not. */
function shortestPeriod(bytes: Uint8Array): number {
  for (let period = 1; period <= bytes.length / 2; period += 1) {
    let repeats = true
    for (let i = period; i < bytes.length && repeats; i += 1) repeats = bytes[i] === bytes[i - period]
    if (repeats) return period
  }
  return bytes.length
}

/**
 * Throws a `TypeError` saying how to make a good secret when `secret` is shorter than {@link MIN_SECRET_BYTES}
 * (`TL617`) or visibly not random: under {@link MIN_SECRET_ENTROPY_BITS} by {@link estimateSecretEntropyBits}
 * (`TL618`). `createSecretKeyRing()` calls it; call it yourself to check configuration at start.
 *
 * @example
 * ```ts
 * checkSecretStrength(new TextEncoder().encode(process.env.JWT_SECRET!)) // throws for 'changeme', passes `openssl rand -base64 32`
 * ```
 */
export function checkSecretStrength(secret: Uint8Array): void {
  if (secret.byteLength < MIN_SECRET_BYTES) invalid('TL617', undefined, secret.byteLength, MIN_SECRET_BYTES)
  const bits = estimateSecretEntropyBits(secret)
  if (bits < MIN_SECRET_ENTROPY_BITS) invalid('TL618', undefined, Math.floor(bits), secret.byteLength, MIN_SECRET_ENTROPY_BITS)
}

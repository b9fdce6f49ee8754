import type { DpopKit } from './dpop'

/**
 * Whether `answer` asks for a DPoP nonce (RFC 9449 §8, §9): a 401 whose `WWW-Authenticate: DPoP` challenge says
 * `error="use_dpop_nonce"`, or a 400 from a token endpoint whose JSON body does. The answer's body is buffered
 * already (read through `readBoundedResponse`); a copy is read.
 */
export async function asksForNonce(answer: Response, { parseChallenge }: DpopKit): Promise<boolean> {
  if (answer.status === 401) return parseChallenge(answer.headers.get('WWW-Authenticate'), 'dpop')?.error === 'use_dpop_nonce'
  if (answer.status !== 400) return false
  try {
    return ((await answer.clone().json()) as { error?: unknown } | null)?.error === 'use_dpop_nonce'
  } catch {
    return false
  }
}

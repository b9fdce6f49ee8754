// A DPoP client for the server's tests: the shared test key (@tokenlife/test-utils/dpop), which signs proofs as
// RFC 9449 §4.2 says or as an attacker would, and a JWT's claims.
export { dpopKey, type DpopProofOptions as ProofOptions } from '@tokenlife/test-utils/dpop'

/** The claims of a JWT, unverified. */
export const claimsOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>

import type { Dpop, DpopKey } from './dpop/dpop'

/** What a logout captured before it cleared the session: what to revoke at the server. */
export interface RevocationRequest {
  accessToken?: string
  refreshToken?: string
  everywhere: boolean
  /** With DPoP: the key of the session that ended, which signs the request (when it could still be read). */
  signer?: { dpop: Dpop; key: DpopKey } | undefined
}

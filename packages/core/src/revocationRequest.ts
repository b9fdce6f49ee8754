/** What a logout captured before it cleared the session: what to revoke at the server. */
export interface RevocationRequest {
  accessToken?: string
  refreshToken?: string
  everywhere: boolean
}

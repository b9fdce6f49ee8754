import type { AuthenticatedState, AuthState } from '../authState'
import type { Environment } from '../ports'
import type { DpopSigner } from '../dpop/dpop'

/**
 * What the HTTP helpers need from an {@link AuthClient}, and nothing else: the token, a refresh, the state,
 * whether a URL may carry the token, and the ports requests go through. The helpers depend on the client through
 * this interface; the client never depends on them.
 */
export interface AuthHost {
  /** Restores or obtains a session (idempotent): {@link AuthClient.start}. */
  start(): Promise<void>
  /** The current state: {@link AuthClient.getState}. */
  getState(): AuthState
  /** A valid access token, refreshing first if needed: {@link AuthClient.getAccessToken}. */
  getAccessToken(options?: { signal?: AbortSignal }): Promise<string>
  /** A refresh now, shared with any in flight: {@link AuthClient.refresh}. */
  refresh(options?: { signal?: AbortSignal }): Promise<AuthenticatedState>
  /**
   * Whether a request to `url` may carry the access token: its origin is the page's, an endpoint's, or in
   * `allowedOrigins`. A relative `url` is judged as `fetch` would resolve it (against the document's base URL).
   */
  allows(url: string | URL): boolean
  /** The `fetch` the client uses, and the base URL relative request URLs resolve against. */
  readonly ports: Pick<Environment, 'fetch' | 'baseUrl'>
  /**
   * With `dpop: true` ({@link AuthClient.dpop}): signs a proof for each request that carries the token
   * (`Authorization: DPoP …`) and keeps the servers' nonces. Absent or `undefined`: requests carry
   * `Authorization: Bearer …`.
   */
  readonly dpop?: DpopSigner | undefined
}

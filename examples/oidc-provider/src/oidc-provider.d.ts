// The slice of oidc-provider's API the examples and suites use (the package ships no type declarations).
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http'

  interface ClientLike {
    clientId: string
    grantTypeAllowed(type: string): boolean
  }
  interface GrantModel {
    addOIDCScope(scope: string): void
    addOIDCClaims(claims: string[]): void
    addResourceScope(resource: string, scope: string): void
    save(): Promise<string>
    destroy(): Promise<void>
  }
  interface OidcContext {
    params?: Record<string, unknown>
    client?: ClientLike
    session?: { accountId: string }
    provider: Provider
  }
  /** A Koa context as oidc-provider hands it to middleware and hooks. */
  interface KoaContext {
    path: string
    status: number
    body: unknown
    oidc: OidcContext
  }
  interface OidcError extends Error {
    error?: string
    error_description?: string
  }
  interface RefreshTokenModel {
    grantId: string
    isExpired: boolean
    consumed: unknown
  }

  export class Provider {
    constructor(issuer: string, configuration: Record<string, unknown>)
    callback(): (request: IncomingMessage, response: ServerResponse) => void
    use(middleware: (ctx: KoaContext, next: () => Promise<void>) => Promise<void>): void
    on(event: 'grant.success' | 'end_session.success', listener: (ctx: KoaContext) => void): this
    on(event: 'grant.error', listener: (ctx: KoaContext, error: OidcError) => void): this
    RefreshToken: { find(value: string): Promise<RefreshTokenModel | undefined> }
    Grant: (new (init: { clientId: string; accountId: string }) => GrantModel) & { find(id: string): Promise<GrantModel | undefined> }
  }
  export const errors: { InvalidTarget: new (description?: string) => Error }
  export type { ClientLike, KoaContext }
  export default Provider
}

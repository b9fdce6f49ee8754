// The slice of oidc-provider's API this suite uses (the package ships no type declarations).
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http'

  interface ClientLike {
    grantTypeAllowed(type: string): boolean
  }
  interface ProviderContext {
    oidc: { params?: Record<string, unknown> }
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
    on(event: 'grant.success', listener: (ctx: ProviderContext) => void): this
    on(event: 'grant.error', listener: (ctx: ProviderContext, error: OidcError) => void): this
    RefreshToken: { find(value: string): Promise<RefreshTokenModel | undefined> }
    Grant: { find(id: string): Promise<{ destroy(): Promise<void> } | undefined> }
  }
  export const errors: { InvalidTarget: new (description?: string) => Error }
  export type { ClientLike }
  export default Provider
}

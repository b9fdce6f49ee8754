/** What the demo server tells the page about the provider (`window.tokenlifeDemo`, see server/main.ts). */
export interface DemoConfig {
  issuer: string
  clientId: string
  /** The API the access token is for (a resource indicator): its JWT access tokens are what /api/me accepts. */
  api: string
}

export const config: DemoConfig = (window as unknown as { tokenlifeDemo: DemoConfig }).tokenlifeDemo

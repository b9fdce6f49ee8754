export { signInForE2E, routeToMockServer, type E2eSignInOptions } from './e2e/playwright'
export { seedSession, seedVersion, type SeedOptions, type SeedResult } from './e2e/seedSession'
export type { PlaywrightPage, PlaywrightRoute, PlaywrightRequest, PlaywrightRouteTarget } from './e2e/playwrightTypes'

import { createAuthClient, indexedDbStorage, isLoginError, webStorage, type AuthClientOptions, type StorageAdapter } from '@tokenlife/core'
import { kitError } from '../diagnostics/kitError'

/**
 * How the app's client is set up, as far as starting it signed in needs to know: plain data (it crosses into the
 * browser page). Give the same values as the app's `createAuthClient()`.
 *
 * @example
 * ```ts
 * const options: SeedOptions = {
 *   loginUrl: '/auth/login',
 *   refreshUrl: '/auth/refresh',
 *   credentials: { email: 'ada@example.com', password: 'correct-horse' },
 * }
 * ```
 */
export interface SeedOptions {
  /** The app's `loginUrl` (relative to the page, or absolute). */
  loginUrl: string
  /** The app's `refreshUrl`. */
  refreshUrl: string
  /** The app's `logoutUrl`, if it has one. */
  logoutUrl?: string
  /** What the app's sign-in form passes to `login()`, e.g. `{ email, password }`. */
  credentials: unknown
  /** The app's `refreshToken` mode. Default `'cookie'`. */
  refreshToken?: 'cookie' | 'storage'
  /** The app's `namespace`. Default `'default'`. */
  namespace?: string
  /** Where the app keeps the refresh token in storage mode (its `storage` option). Default: IndexedDB, tokenlife's default database. */
  storage?:
    | {
        /** `indexedDbStorage()` (tokenlife's default). */
        kind: 'indexedDB'
        /** Its `databaseName`, if the app set one. */
        databaseName?: string
        /** Its `storeName`, if the app set one. */
        storeName?: string
      }
    | {
        /** `webStorage('local')` or `webStorage('session')`. */
        kind: 'localStorage' | 'sessionStorage'
      }
  /** The app's `persistAccessToken`, if it opts in: `webStorage('local')` is `'localStorage'`. */
  persistAccessToken?: 'localStorage' | 'sessionStorage'
  /** The app's `oauthClientId`, if it sets one. */
  oauthClientId?: string
}

/** What seeding did: the session the app will find. */
export interface SeedResult {
  /** Always `'authenticated'` (seeding rejects otherwise). */
  status: 'authenticated'
  /** The access token's claims (`sub`, …). */
  claims: Record<string, unknown>
  /** When the seeded access token expires, epoch ms. */
  expiresAt: number
  /** Which version of the kit (and so of the core bundled for seeding) did it: keep it equal to the app's `@tokenlife/core`. */
  version: string
}

/** The kit's version, written in at build time. */
declare const __TOKENLIFE_TESTING_VERSION__: string
/** The version of the kit this build is (`0.0.0-source` when run from source). */
export const seedVersion: string = typeof __TOKENLIFE_TESTING_VERSION__ === 'string' ? __TOKENLIFE_TESTING_VERSION__ : '0.0.0-source'

function storageOf(choice: SeedOptions['storage']): StorageAdapter {
  if (choice === undefined || choice.kind === 'indexedDB') {
    const { databaseName, storeName } = choice ?? {}
    return indexedDbStorage({ ...(databaseName === undefined ? {} : { databaseName }), ...(storeName === undefined ? {} : { storeName }) })
  }
  return webStorage(choice.kind === 'localStorage' ? 'local' : 'session')
}

/**
 * Starts an E2E test signed in, run in a page of the app's origin: signs in through tokenlife itself — the app's
 * login endpoint (the reference server, a mock server behind `routeToMockServer()`, or msw in the page), then the
 * client stores what it stores, in its own format, where the app's client will look (the refresh cookie, or the
 * refresh token in the app's storage). Nothing of tokenlife's storage format is written by hand, so a new version
 * of tokenlife cannot break the seeding. Playwright runs it for you (`signInForE2E`); in Cypress call it from the
 * spec (which runs on the app's origin).
 *
 * @example
 * ```ts
 * // Cypress (the spec runs on the app's origin)
 * cy.visit('/')
 * cy.then(() => seedSession({ loginUrl: '/auth/login', refreshUrl: '/auth/refresh', credentials }))
 * cy.visit('/account') // starts signed in
 * ```
 */
export async function seedSession(options: SeedOptions): Promise<SeedResult> {
  const mode = options.refreshToken ?? 'cookie'
  const clientOptions: AuthClientOptions = {
    loginUrl: options.loginUrl,
    refreshUrl: options.refreshUrl,
    ...(options.logoutUrl === undefined ? {} : { logoutUrl: options.logoutUrl }),
    refreshToken: mode,
    ...(options.namespace === undefined ? {} : { namespace: options.namespace }),
    ...(mode === 'storage' ? { storage: storageOf(options.storage) } : {}),
    ...(options.persistAccessToken === undefined ? {} : { persistAccessToken: webStorage(options.persistAccessToken === 'localStorage' ? 'local' : 'session') }),
    ...(options.oauthClientId === undefined ? {} : { oauthClientId: options.oauthClientId }),
  }
  const auth = createAuthClient(clientOptions)
  try {
    const state = await auth.login(options.credentials)
    return { status: 'authenticated', claims: { ...state.claims }, expiresAt: state.expiresAt, version: seedVersion }
  } catch (error) {
    const why = isLoginError(error) ? `the server refused the credentials (${error.status}${error.error ? ` ${error.error}` : ''})` : String(error)
    throw kitError(Error, 'TL813', options.loginUrl, why)
  } finally {
    // Not a logout: the session stays for the app. Only this client's timers and channel are released.
    auth.destroy()
  }
}

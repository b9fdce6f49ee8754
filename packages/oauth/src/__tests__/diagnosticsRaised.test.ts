// Every code of @tokenlife/oauth raised through the public API (or, for the ID token's checks, by the class that
// names them): the right class, `error.code`, and the development build's message (the tests run the source as the
// development build) ending with the code's troubleshooting link. The provider is a stand-in `fetch` and metadata
// given by hand: what is checked here is the code each refusal carries; the real provider is in the other suites.
import 'fake-indexeddb/auto'
import { memoryStorage, troubleshootingUrl, type AuthEvent } from '@tokenlife/core'
import { exportJWK, generateKeyPair, SignJWT } from 'jose'
import { afterEach, describe, expect, it } from 'vitest'
import { diagnostics, type OAuthCode } from '../diagnostics/codes'
import type { OAuthEnvironment } from '../environment'
import { IdTokenError, type IdTokenCheckName } from '../errors'
import { createOAuthClient, type OAuthClient } from '../oauthClient'
import type { OAuthClientOptions } from '../options'
import type { ProviderMetadata } from '../discovery'
import { mapStorage, rejection as raised } from './harness'

const ISSUER = 'https://id.tokenlife.test'
const APP = 'https://app.tokenlife.test'
const metadata: ProviderMetadata = {
  issuer: ISSUER,
  authorization_endpoint: `${ISSUER}/auth`,
  token_endpoint: `${ISSUER}/token`,
  authorization_response_iss_parameter_supported: true,
}
const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } })

/** What the stand-in provider answers, by path. */
let answers: Record<string, () => Response> = {}
/** The origin's localStorage, shared by the pages of a test. */
let shared = mapStorage()
const clients: OAuthClient[] = []
afterEach(() => {
  for (const client of clients.splice(0)) client.auth.destroy()
  answers = {}
  shared = mapStorage()
})

/** A page of the app: its client, its sessionStorage and where it navigated. */
function page(options: Partial<OAuthClientOptions> = {}, environment: Partial<OAuthEnvironment> = {}) {
  const tabStorage = mapStorage()
  const navigations: string[] = []
  const oauth = createOAuthClient({
    issuer: ISSUER,
    clientId: 'spa',
    redirectUri: '/callback',
    metadata,
    storage: memoryStorage(),
    environment: {
      pageUrl: () => `${APP}/`,
      navigate: (url) => void navigations.push(url),
      replaceUrl: () => {},
      tabStorage: () => tabStorage,
      sharedStorage: () => shared,
      fetch: async (input) => (answers[new URL(String(input)).pathname] ?? (() => new Response('not found', { status: 404 })))(),
      ...environment,
    },
    ...options,
  })
  clients.push(oauth)
  return { oauth, tabStorage, navigations }
}

/** A sign-in begun in `tab`: the state its callback must carry. */
async function begin(tab = page()) {
  await tab.oauth.loginWithRedirect()
  return { ...tab, state: new URL(tab.navigations.at(-1)!).searchParams.get('state')! }
}
const callback = (params: Record<string, string>) => `${APP}/callback?${new URLSearchParams(params)}`

/** The callback of a sign-in this page began, carrying its state and `params`. */
async function answered(params: Record<string, string>) {
  const { oauth, state } = await begin()
  return oauth.handleRedirectCallback(callback({ ...params, state }))
}

/** A signing key of the stand-in provider, its JWKS answer, and an ID token it signs for `nonce`. */
async function signer() {
  const { privateKey, publicKey } = await generateKeyPair('RS256')
  const jwks = { keys: [{ ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' }] }
  answers['/jwks'] = () => json(jwks)
  const idTokenFor = (nonce: string) =>
    new SignJWT({ nonce }).setProtectedHeader({ alg: 'RS256', kid: 'k1' }).setIssuer(ISSUER).setAudience('spa').setSubject('ada').setIssuedAt().setExpirationTime('5m').sign(privateKey)
  return { idTokenFor }
}

/** Deletes every DPoP key of the origin (what a logout in another tab does), the database kept. */
const clearDpopKeys = () =>
  new Promise<void>((resolve, reject) => {
    const open = indexedDB.open('tokenlife-dpop')
    open.onerror = () => reject(open.error)
    open.onsuccess = () => {
      const transaction = open.result.transaction('keys', 'readwrite')
      transaction.objectStore('keys').clear()
      transaction.oncomplete = () => resolve(open.result.close())
      transaction.onerror = () => reject(transaction.error)
    }
  })

/** Discovery (no metadata by hand) against a provider whose discovery document is `answer`. */
function discovered(answer: () => Response) {
  answers['/.well-known/openid-configuration'] = answer
  return page({ metadata: undefined }).oauth.metadata()
}

/** The codes of the ID token's checks: TL541–TL553. */
type IdTokenCode = Extract<OAuthCode, `TL54${string}` | `TL55${string}`>

/**
 * One `IdTokenError` per check the table names (its entry says "`error.check` is `…`"), which must carry that entry's
 * code. (The checks' real raisers, oauth4webapi's refusals, are in signIn, refreshedIdToken and the builds.)
 */
function idTokenRaisers() {
  const entries = Object.entries(diagnostics).filter(([, entry]) => entry.raises === 'IdTokenError')
  return Object.fromEntries(
    entries.map(([code, entry]) => {
      const check = /`error\.check` is `(\w+)`/.exec(entry.meaning)![1] as IdTokenCheckName
      return [code, ['IdTokenError', () => { throw new IdTokenError(check) }]]
    }),
  ) as Record<IdTokenCode, [string, () => never]>
}

/** One way to raise each code, and the name of what carries it. */
const raisers: Record<OAuthCode, [string, () => Promise<unknown> | unknown]> = {
  TL501: ['TypeError', () => createOAuthClient(undefined as never)],
  TL502: ['TypeError', () => page({ authority: ISSUER } as never)],
  TL503: ['TypeError', () => page({ clientId: '' })],
  TL504: ['TypeError', () => page({ issuer: 'http://id.tokenlife.test', metadata: undefined })],
  TL505: ['TypeError', () => page({ metadata: { ...metadata, issuer: 'https://other.test' } })],
  TL506: ['TypeError', () => page({ discoveryCacheMs: -1 })],
  TL507: ['TypeError', () => page().oauth.loginWithRedirect({ authorizationParams: 'prompt=login' as never })],
  TL508: ['TypeError', () => page().oauth.loginWithRedirect({ authorizationParams: { state: 'mine' } })],
  TL509: ['TypeError', () => page().oauth.loginWithRedirect({ authorizationParams: { prompt: {} as never } })],
  TL510: ['TypeError', () => page().oauth.loginWithRedirect({ authorizationParams: { max_age: -1 } })],
  TL511: ['TypeError', () => page({}, { pageUrl: undefined }).oauth.isRedirectCallback()],
  TL512: ['TypeError', () => page({}, { tabStorage: () => undefined }).oauth.loginWithRedirect()],
  TL521: ['CallbackStateError', () => page().oauth.handleRedirectCallback(callback({ code: 'c' }))],
  TL522: ['CallbackStateError', async () => (await begin()).oauth.handleRedirectCallback(callback({ code: 'c', state: 'forged', iss: ISSUER }))],
  TL523: ['CallbackStateError', () => page().oauth.handleRedirectCallback(callback({ code: 'c', state: 'stray', iss: ISSUER }))],
  TL524: [
    'CallbackReplayError',
    async () => {
      const { oauth, state } = await begin()
      answers['/token'] = () => json({ error: 'invalid_grant' }, 400)
      const url = callback({ code: 'c', state, iss: ISSUER })
      await oauth.handleRedirectCallback(url).catch(() => {})
      return page().oauth.handleRedirectCallback(url) // a reload: a new page load
    },
  ],
  TL525: ['OtherTabTransactionError', async () => page().oauth.handleRedirectCallback(callback({ code: 'c', state: (await begin()).state, iss: ISSUER }))],
  TL526: ['IssuerMismatchError', () => answered({ code: 'c', iss: 'https://evil.example' })],
  TL527: ['IssuerMismatchError', () => answered({ code: 'c' })],
  TL528: ['AuthorizationError', () => answered({ error: 'access_denied', iss: ISSUER })],
  TL529: [
    'CodeExchangeError',
    () => {
      answers['/token'] = () => json({ error: 'invalid_grant', error_description: 'code used' }, 400)
      return answered({ code: 'c', iss: ISSUER })
    },
  ],
  TL530: ['ReturnToError', () => page().oauth.loginWithRedirect({ returnTo: 'https://evil.example/' })],
  ...idTokenRaisers(),
  TL561: ['DiscoveryError', () => discovered(() => new Response('', { status: 503 }))],
  TL562: ['DiscoveryError', () => discovered(() => json({ ...metadata, token_endpoint: undefined }))],
  TL564: [
    'DpopBindingError',
    async () => {
      // A DPoP sign-in begun; the keys are deleted while the user is at the provider; the callback page loads.
      const { state, tabStorage } = await begin(page({ dpop: true }))
      await clearDpopKeys()
      return page({ dpop: true }, { tabStorage: () => tabStorage }).oauth.handleRedirectCallback(callback({ code: 'c', state, iss: ISSUER }))
    },
  ],
  TL565: [
    'DpopBindingError',
    async () => {
      const { idTokenFor } = await signer()
      const { oauth, state, navigations } = await begin(page({ dpop: true, metadata: { ...metadata, jwks_uri: `${ISSUER}/jwks` } }))
      const idToken = await idTokenFor(new URL(navigations.at(-1)!).searchParams.get('nonce')!)
      answers['/token'] = () => json({ access_token: 'opaque-access', token_type: 'Bearer', expires_in: 300, id_token: idToken })
      return oauth.handleRedirectCallback(callback({ code: 'c', state, iss: ISSUER }))
    },
  ],
  TL563: [
    'TokenlifeError',
    async () => {
      const { oauth } = page()
      oauth.auth.setTokens({ accessToken: 'opaque-access', refreshToken: 'opaque-refresh', expiresIn: 300 })
      const events: AuthEvent[] = []
      oauth.auth.onEvent((event) => void events.push(event))
      await oauth.logout({ endSession: false })
      throw events.find((event) => event.type === 'revocation-failed')?.error
    },
  ],
}

describe('every code of @tokenlife/oauth is raised, by the class its entry names', () => {
  it('one raiser per code of the table', () => {
    expect(Object.keys(raisers).sort()).toEqual(Object.keys(diagnostics).sort())
  })

  it.each(Object.entries(raisers))('%s', async (code, [name, raise]) => {
    const error = await raised(raise)
    expect(error.name).toBe(name)
    expect(error.code).toBe(code)
    expect(diagnostics[code as OAuthCode].raises.startsWith(name)).toBe(true)
    expect(error.message).toMatch(/^tokenlife: /)
    expect(error.message.endsWith(`(${code}: ${troubleshootingUrl(code)})`)).toBe(true)
  })

  it('keeps the fields and the message of each refusal: the development build writes the table’s text', async () => {
    const error = await raised(raisers.TL529[1])
    expect(error).toMatchObject({ status: 400, error: 'invalid_grant', description: 'code used' })
    expect(error.message).toBe(`tokenlife: the token endpoint refused the authorization code (HTTP 400 invalid_grant: code used) (TL529: ${troubleshootingUrl('TL529')})`)
    expect(await raised(raisers.TL526[1])).toMatchObject({ expected: ISSUER, received: 'https://evil.example' })
    expect(await raised(raisers.TL561[1])).toMatchObject({ transient: true, issuer: ISSUER })
    expect(await raised(raisers.TL562[1])).toMatchObject({ transient: false, problem: 'the discovery document has no token_endpoint' })
    expect(await raised(raisers.TL564[1])).toMatchObject({ transient: false, problem: 'key-missing' })
    expect(await raised(raisers.TL565[1])).toMatchObject({ transient: false, problem: 'not-bound' })
  })
})

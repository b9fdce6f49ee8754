// tokenlife (the built @tokenlife/core, storage mode, in Node, real clock) against oidc-provider with the DEFAULT wire
// format: nothing but the endpoints and the OAuth client_id is configured.
import {
  createAuthClient,
  isConfigurationError,
  memoryStorage,
  type AuthClient,
  type AuthClientOptions,
  type AuthEvent,
  type AuthState,
} from '@tokenlife/core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { ACCESS_TOKEN_TTL, API, CLIENT_ID, startProvider, type RunningProvider } from '@tokenlife/example-oidc-provider'

let op: RunningProvider
beforeAll(async () => {
  op = await startProvider()
})
afterAll(() => op.close())

const clients: AuthClient[] = []
afterEach(() => {
  for (const auth of clients.splice(0)) auth.destroy()
})

/** One request tokenlife sent to the provider, as its fetch port saw it. */
interface Exchange {
  url: string
  body: URLSearchParams
  authorization: string | null
  sentAt: number
  receivedAt: number
  status: number
  json: Record<string, unknown> | undefined
}

/**
 * A tokenlife client for the provider: the endpoints, `oauthClientId` and storage mode; no wire format. The fetch
 * port records every request (to check what rotation presented), `error` collects console errors, and `skew` moves
 * the client's clock.
 */
function client(options: Partial<AuthClientOptions> = {}) {
  const exchanges: Exchange[] = []
  const errors: string[] = []
  const events: AuthEvent[] = []
  const states: AuthState[] = []
  const clock = { skewMs: 0 }
  const recordingFetch: typeof fetch = async (input, init) => {
    const sentAt = Date.now()
    const response = await fetch(input, init)
    const text = await response.clone().text()
    let json: Record<string, unknown> | undefined
    try {
      json = JSON.parse(text) as Record<string, unknown>
    } catch {
      json = undefined
    }
    exchanges.push({
      url: String(input),
      body: new URLSearchParams(String(init?.body ?? '')),
      authorization: new Headers(init?.headers).get('authorization'),
      sentAt,
      receivedAt: Date.now(),
      status: response.status,
      json,
    })
    return response
  }
  const storage = memoryStorage()
  const auth = createAuthClient({
    refreshUrl: op.tokenEndpoint,
    logoutUrl: op.revocationEndpoint,
    oauthClientId: CLIENT_ID,
    refreshToken: 'storage',
    storage,
    ...options,
    environment: {
      fetch: recordingFetch,
      now: () => Date.now() + clock.skewMs,
      error: (message) => errors.push(message),
      ...options.environment,
    },
  })
  clients.push(auth)
  auth.onEvent((event) => events.push(event))
  auth.subscribe((state) => states.push(state))
  const refreshes = () => exchanges.filter((exchange) => exchange.url === op.tokenEndpoint)
  return { auth, exchanges, refreshes, errors, events, states, clock, storage }
}

/** Resolves with the first event of `type` (or rejects after `timeoutMs`). */
function nextEvent<T extends AuthEvent['type']>(events: AuthEvent[], type: T, count = 1, timeoutMs = 20_000) {
  return new Promise<Extract<AuthEvent, { type: T }>>((resolve, reject) => {
    const started = Date.now()
    const poll = setInterval(() => {
      const seen = events.filter((event) => event.type === type)
      if (seen.length >= count) {
        clearInterval(poll)
        resolve(seen[count - 1] as Extract<AuthEvent, { type: T }>)
      } else if (Date.now() - started > timeoutMs) {
        clearInterval(poll)
        reject(new Error(`no ${count}× ${type} within ${timeoutMs} ms; saw ${events.map((event) => event.type).join(', ')}`))
      }
    }, 20)
  })
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
/** Longer than tokenlife's first retry would wait (retryBaseMs 1 s: 0.5–1 s) plus its second (1–2 s). */
const LONGER_THAN_TWO_RETRIES_MS = 3_200

describe('oidc-provider, public PKCE client, default wire format', () => {
  it('silent refresh over several lifetimes: every rotation presents the newest refresh token (opaque tokens)', async () => {
    const first = await op.signIn('ada')
    const { auth, refreshes, events } = client()
    const before = op.log.refreshSuccesses
    const errorsBefore = op.log.refreshErrors.length
    auth.setTokens({ accessToken: first.access_token, refreshToken: first.refresh_token, expiresIn: first.expires_in })

    const rotations = 5
    await nextEvent(events, 'refresh-succeeded', rotations, (rotations + 2) * ACCESS_TOKEN_TTL * 1000)
    const sent = refreshes().slice(0, rotations)
    expect(sent.map((exchange) => exchange.status)).toEqual(Array(rotations).fill(200))
    // Rotation: each request presents the token the previous answer issued, never an older one.
    const issued = [first.refresh_token, ...sent.map((exchange) => exchange.json?.refresh_token as string)]
    expect(new Set(issued).size).toBe(issued.length)
    sent.forEach((exchange, i) => {
      expect(exchange.body.get('grant_type')).toBe('refresh_token')
      expect(exchange.body.get('refresh_token')).toBe(issued[i])
      expect(exchange.body.get('client_id')).toBe(CLIENT_ID)
      expect(exchange.authorization).toBeNull()
    })
    // The session spanned several access-token lifetimes, all at the provider's say-so.
    expect(sent.at(-1)!.receivedAt - sent[0]!.sentAt).toBeGreaterThan(ACCESS_TOKEN_TTL * 1000)
    expect(op.log.refreshSuccesses - before).toBeGreaterThanOrEqual(rotations)
    expect(op.log.refreshErrors.slice(errorsBefore)).toEqual([])
    expect(auth.getState()).toMatchObject({ status: 'authenticated' })
  })

  it("an opaque access token's expiry comes from expires_in", async () => {
    const first = await op.signIn('ada')
    const { auth, refreshes } = client()
    auth.setTokens({ accessToken: first.access_token, refreshToken: first.refresh_token, expiresIn: first.expires_in })
    const state = await auth.refresh()
    const settledAt = Date.now()
    const [exchange] = refreshes()
    expect(state.accessToken).toBe(exchange!.json?.access_token)
    expect(state.accessToken.split('.')).toHaveLength(1) // opaque
    expect(state.claims).toEqual({})
    expect(exchange!.json?.expires_in).toBe(ACCESS_TOKEN_TTL)
    // expiresAt = the moment the answer arrived + expires_in (no clock skew applies to a relative lifetime).
    expect(state.expiresAt).toBeGreaterThanOrEqual(exchange!.sentAt + ACCESS_TOKEN_TTL * 1000)
    expect(state.expiresAt).toBeLessThanOrEqual(settledAt + ACCESS_TOKEN_TTL * 1000)
  })

  it('JWT access tokens for an API (resource indicator): rotation keeps the audience, claims are decoded', async () => {
    const first = await op.signIn('bob', { resource: API })
    const { auth, refreshes, events } = client()
    const errorsBefore = op.log.refreshErrors.length
    auth.setTokens({ accessToken: first.access_token, refreshToken: first.refresh_token, expiresIn: first.expires_in })
    expect(auth.getState().claims).toMatchObject({ sub: 'bob', aud: API, client_id: CLIENT_ID })

    await nextEvent(events, 'refresh-succeeded', 3, 5 * ACCESS_TOKEN_TTL * 1000)
    const sent = refreshes().slice(0, 3)
    const issued = [first.refresh_token, ...sent.map((exchange) => exchange.json?.refresh_token as string)]
    sent.forEach((exchange, i) => expect(exchange.body.get('refresh_token')).toBe(issued[i]))
    const state = auth.getState()
    expect(state.accessToken).toBe(sent[2]!.json?.access_token)
    expect(state.claims).toMatchObject({ sub: 'bob', aud: API, scope: 'api:read' })
    expect(state.claims!.exp! - state.claims!.iat!).toBe(ACCESS_TOKEN_TTL)
    expect(op.log.refreshErrors.slice(errorsBefore)).toEqual([])
  })

  it('20 concurrent getAccessToken() with a stale token share 1 refresh', async () => {
    const first = await op.signIn('ada')
    const { auth, refreshes, clock } = client()
    auth.setTokens({ accessToken: first.access_token, refreshToken: first.refresh_token, expiresIn: first.expires_in })
    const before = op.log.refreshSuccesses
    // Move the client's clock to just before expiry (less than minValidityMs left): every caller needs a refresh.
    clock.skewMs = ACCESS_TOKEN_TTL * 1000 - 500
    const tokens = await Promise.all(Array.from({ length: 20 }, () => auth.getAccessToken()))
    expect(refreshes()).toHaveLength(1)
    expect(op.log.refreshSuccesses - before).toBe(1)
    expect(new Set(tokens)).toEqual(new Set([refreshes()[0]!.json?.access_token]))
    expect(tokens[0]).not.toBe(first.access_token)
  })

  it('a grant revoked at the provider ends the session as revoked, with no retry loop', async () => {
    const first = await op.signIn('ada')
    const { auth, refreshes, events, errors, storage } = client()
    auth.setTokens({ accessToken: first.access_token, refreshToken: first.refresh_token, expiresIn: first.expires_in })
    await op.revokeGrantOf(first.refresh_token)
    const errorsBefore = op.log.refreshErrors.length

    const ended = await nextEvent(events, 'session-ended', 1, 2 * ACCESS_TOKEN_TTL * 1000) // the scheduled refresh
    expect(ended).toMatchObject({ reason: 'revoked', error: { status: 400, error: 'invalid_grant' } })
    expect(auth.getState()).toEqual({ status: 'unauthenticated', reason: 'revoked' })
    await pause(LONGER_THAN_TWO_RETRIES_MS)
    expect(refreshes()).toHaveLength(1)
    expect(op.log.refreshErrors.slice(errorsBefore)).toEqual([{ error: 'invalid_grant', description: expect.any(String), detail: expect.any(String) }])
    expect(errors).toEqual([])
    expect(await storage.get('tokenlife:default:refresh_token')).toBeUndefined()
    await expect(auth.getAccessToken()).rejects.toMatchObject({ name: 'SessionEndedError', reason: 'revoked' })
  })

  it('logout() revokes the refresh token at the provider (RFC 7009, no bearer header)', async () => {
    const first = await op.signIn('ada')
    const { auth, exchanges, events } = client()
    auth.setTokens({ accessToken: first.access_token, refreshToken: first.refresh_token, expiresIn: first.expires_in })
    const rotated = await auth.refresh() // a rotation first: logout must revoke the newest refresh token
    expect(rotated.status).toBe('authenticated')
    const newest = exchanges.at(-1)!.json?.refresh_token as string
    expect(await op.isRefreshTokenActive(newest)).toBe(true)

    await auth.logout()
    const revocation = exchanges.find((exchange) => exchange.url === op.revocationEndpoint)
    expect(revocation?.status).toBe(200)
    expect(revocation?.authorization).toBeNull()
    expect(Object.fromEntries(revocation!.body)).toEqual({ token: newest, token_type_hint: 'refresh_token', client_id: CLIENT_ID })
    expect(events.some((event) => event.type === 'revocation-failed')).toBe(false)
    // Dead at the provider: unknown to it, and a refresh with it is refused.
    expect(await op.isRefreshTokenActive(newest)).toBe(false)
    const attempt = await fetch(op.tokenEndpoint, {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: newest, client_id: CLIENT_ID }),
    })
    expect(attempt.status).toBe(400)
    expect(await attempt.json()).toMatchObject({ error: 'invalid_grant' })
  })

  it.each([
    ['a wrong client_id', { oauthClientId: 'not-registered' }, 401, 'invalid_client'],
    ['no client_id', { oauthClientId: undefined }, 400, 'invalid_request'],
  ] as const)('a misconfigured client (%s) gets the configuration error, never revoked', async (_label, misconfig, status, code) => {
    const first = await op.signIn('ada')
    const { auth, refreshes, errors, events, states, clock } = client(misconfig)
    auth.setTokens({ accessToken: first.access_token, refreshToken: first.refresh_token, expiresIn: first.expires_in })

    const refused = await auth.refresh().catch((error: unknown) => error)
    expect(isConfigurationError(refused)).toBe(true)
    expect(refused).toMatchObject({ status, error: code, url: op.tokenEndpoint })
    expect(errors).toHaveLength(1)
    expect(errors[0]).toMatch(/missing or wrong `oauthClientId`/)
    const state = auth.getState()
    expect(state.status).toBe('authenticated')
    expect(isConfigurationError(state.error)).toBe(true)

    await pause(LONGER_THAN_TWO_RETRIES_MS)
    expect(refreshes()).toHaveLength(1)
    clock.skewMs = ACCESS_TOKEN_TTL * 1000 // the access token is stale now: a caller would need a refresh
    await expect(auth.getAccessToken()).rejects.toMatchObject({ name: 'ConfigurationError' })
    expect(refreshes()).toHaveLength(1)
    expect(states.some((seen) => seen.status === 'unauthenticated')).toBe(false)
    expect(events.some((event) => event.type === 'session-ended')).toBe(false)
    expect(errors).toHaveLength(1)

    // The session was fine all along: the same refresh token works for the correctly configured client.
    const fixed = client()
    fixed.auth.setTokens({ accessToken: first.access_token, refreshToken: first.refresh_token, expiresIn: first.expires_in })
    await expect(fixed.auth.refresh()).resolves.toMatchObject({ status: 'authenticated' })
  })
})

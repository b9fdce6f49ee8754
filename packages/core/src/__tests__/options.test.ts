import { FakeEnvironment } from '@tokenlife/test-utils'
import { describe, expect, it } from 'vitest'
import { createAuthClient, memoryStorage, type AuthClientOptions } from '../index'
import { normalizeOptions } from '../options'

const refreshUrl = 'https://auth.test/auth/refresh'
const create = (options: Record<string, unknown>) =>
  createAuthClient({ environment: { ...new FakeEnvironment() }, ...options } as unknown as AuthClientOptions)
/** The options as the client holds them after validation and defaults. */
const normalized = (options: Record<string, unknown>) =>
  normalizeOptions({ environment: { ...new FakeEnvironment() }, ...options } as unknown as AuthClientOptions)

describe('options', () => {
  it.each([
    ['refreshUrl missing', {}, 'refreshUrl'],
    ['refreshUrl empty', { refreshUrl: '' }, 'refreshUrl'],
    ['refreshUrl blank', { refreshUrl: '   ' }, 'refreshUrl'],
    ['refreshUrl a number', { refreshUrl: 42 }, 'refreshUrl'],
    ['loginUrl empty', { refreshUrl, loginUrl: '' }, 'loginUrl'],
    ['logoutUrl not a string', { refreshUrl, logoutUrl: {} }, 'logoutUrl'],
    ["refreshToken 'foo'", { refreshUrl, refreshToken: 'foo' }, 'refreshToken'],
    ['timing not an object', { refreshUrl, timing: 5 }, 'timing'],
    ['timing.unknownKey', { refreshUrl, timing: { unknownKey: 1 } }, 'timing.unknownKey'],
    ['timing negative', { refreshUrl, timing: { retryBaseMs: -1 } }, 'timing.retryBaseMs'],
    ['timing not finite', { refreshUrl, timing: { requestTimeoutMs: Number.POSITIVE_INFINITY } }, 'timing.requestTimeoutMs'],
    ['timing a string', { refreshUrl, timing: { minValidityMs: '5s' } }, 'timing.minValidityMs'],
    ['timing.marginRatio ≥ 1', { refreshUrl, timing: { marginRatio: 1 } }, 'timing.marginRatio'],
    ['timing.retryBaseMs 0', { refreshUrl, timing: { retryBaseMs: 0 } }, 'timing.retryBaseMs'],
    ['storage without methods', { refreshUrl, refreshToken: 'storage', storage: {} }, 'storage'],
    ['storage missing remove', { refreshUrl, storage: { get() {}, set() {} } }, 'storage'],
    ['persistAccessToken not an adapter', { refreshUrl, persistAccessToken: 'sessionStorage' }, 'persistAccessToken'],
    ['namespace with spaces', { refreshUrl, namespace: 'my app' }, 'namespace'],
    ['namespace empty', { refreshUrl, namespace: '' }, 'namespace'],
    ['clientId (renamed)', { refreshUrl, clientId: 'my-app' }, 'clientId'],
    ['oauthClientId empty', { refreshUrl, oauthClientId: ' ' }, 'oauthClientId'],
    ['oauthClientId not a string', { refreshUrl, oauthClientId: 42 }, 'oauthClientId'],
    ['logoutTimeoutMs negative', { refreshUrl, logoutTimeoutMs: -5 }, 'logoutTimeoutMs'],
    ['allowedOrigins not an array', { refreshUrl, allowedOrigins: 'https://api.test' }, 'allowedOrigins'],
    ['allowedOrigins with a wildcard', { refreshUrl, allowedOrigins: ['https://*.example.com'] }, 'allowedOrigins'],
    ['allowedOrigins without a scheme', { refreshUrl, allowedOrigins: ['api.example.com'] }, 'allowedOrigins'],
    ['wireFormat.unknown', { refreshUrl, wireFormat: { unknown: () => ({}) } }, 'wireFormat.unknown'],
    ['wireFormat entry not a function', { refreshUrl, wireFormat: { parseTokenResponse: 'json' } }, 'wireFormat.parseTokenResponse'],
    ["debug 'yes'", { refreshUrl, debug: 'yes' }, 'debug'],
  ])('throws a TypeError naming the option: %s', (_label, options, option) => {
    const thrown = (() => {
      try {
        create(options)
      } catch (error) {
        return error
      }
      return undefined
    })()
    expect(thrown).toBeInstanceOf(TypeError)
    expect((thrown as TypeError).message).toContain(`\`${option}\``)
  })

  it('says what is needed when called without an options object', () => {
    for (const options of [undefined, null, 'https://auth.test/auth/refresh']) {
      expect(() => createAuthClient(options as unknown as AuthClientOptions)).toThrow(TypeError)
      expect(() => createAuthClient(options as unknown as AuthClientOptions)).toThrow(/refreshUrl/)
    }
  })

  it('says what the renamed clientId became: namespace for names, oauthClientId for the OAuth client_id', () => {
    expect(() => create({ refreshUrl, clientId: 'my-app' } as never)).toThrow(/`clientId` was renamed: use `namespace`.*`oauthClientId`/)
  })

  it('accepts the minimal options and every option set correctly', () => {
    expect(() => create({ refreshUrl })).not.toThrow()
    const all = {
      refreshUrl,
      loginUrl: '/auth/login',
      logoutUrl: '/auth/logout',
      refreshToken: 'storage',
      storage: memoryStorage(),
      persistAccessToken: memoryStorage(),
      namespace: 'my-app.v2',
      oauthClientId: 'spa-client',
      timing: { marginRatio: 0.5, requestTimeoutMs: 1, retryMaxMs: 120_000 },
      logoutTimeoutMs: 0,
      allowedOrigins: ['https://api.test'],
      wireFormat: { parseTokenResponse: () => ({ accessToken: 'x', expiresIn: 60 }) },
      debug: () => {},
    }
    const client = create(all)
    expect(normalized(all)).toMatchObject({
      refreshTokenMode: 'storage',
      namespace: 'my-app.v2',
      oauthClientId: 'spa-client',
      timing: { marginRatio: 0.5, requestTimeoutMs: 1, retryMaxMs: 120_000, retryBaseMs: 1_000 },
    })
    expect(client.getState()).toEqual({ status: 'initializing' })
  })

  it('throws for every bad option with a message that starts with tokenlife:', () => {
    for (const options of [{ refreshUrl, timing: 5 }, { refreshUrl, clientId: '' }, { refreshUrl, debug: 'yes' }]) {
      expect(() => create(options)).toThrow(/^tokenlife: option `/)
    }
  })
})

/** The TypeError `create(options)` throws (fails the test when it does not throw). */
const thrownBy = (options: Record<string, unknown>): TypeError => {
  try {
    create(options)
  } catch (error) {
    expect(error).toBeInstanceOf(TypeError)
    return error as TypeError
  }
  throw new Error(`expected a TypeError for ${JSON.stringify(options)}`)
}

describe('options that used to be silently wrong', () => {
  it.each([
    // [label, options, the option named, the value received, the fix]
    ['refreshTokenMode (the normalized name)', { refreshUrl, refreshTokenMode: 'storage' }, 'unknown option `refreshTokenMode`', '(set to "storage")', /did you mean `refreshToken`\?/],
    ['loginURL', { refreshUrl, loginURL: '/auth/login' }, '`loginURL`', 'unknown option', /did you mean `loginUrl`\?/],
    ['alowedOrigins', { refreshUrl, alowedOrigins: [] }, '`alowedOrigins`', 'unknown option', /did you mean `allowedOrigins`\?/],
    ['a name like none', { refreshUrl, somethingElse: 1 }, '`somethingElse`', 'unknown option', /the known names are `refreshUrl`, .*`debug`/],
    ['timing.requestTimeout', { refreshUrl, timing: { requestTimeout: 5_000 } }, 'unknown option `timing.requestTimeout`', '(set to 5000)', /did you mean `requestTimeoutMs`\?/],
    ['timing.maxRetryAfter', { refreshUrl, timing: { maxRetryAfter: 1 } }, '`timing.maxRetryAfter`', 'unknown option', /did you mean `maxRetryAfterMs`\?/],
    ['wireFormat.parseToken', { refreshUrl, wireFormat: { parseToken: () => ({}) } }, '`wireFormat.parseToken`', '(set to a function)', /did you mean `parseTokenResponse`\?/],
    ["allowedOrigins ['localhost:8080']", { refreshUrl, allowedOrigins: ['localhost:8080'] }, '`allowedOrigins`', '"localhost:8080"', /write it as "http:\/\/localhost:8080"/],
    ["allowedOrigins ['.example.com']", { refreshUrl, allowedOrigins: ['.example.com'] }, '`allowedOrigins`', '".example.com"', /not supported: list each origin in full, e\.g\. "https:\/\/api\.example\.com"/],
    ["allowedOrigins ['/api/']", { refreshUrl, allowedOrigins: ['/api/'] }, '`allowedOrigins`', '"/api/"', /remove it, or write an absolute prefix/],
    ['allowedOrigins [42]', { refreshUrl, allowedOrigins: [42] }, '`allowedOrigins[0]`', 'got 42', /must be a non-empty string/],
    ['timing.spreadRatio 10', { refreshUrl, timing: { spreadRatio: 10 } }, '`timing.spreadRatio`', 'got 10', /must be at most 1.*e\.g\. 0\.9/],
    ['timing.jitterRatio (0.1)', { refreshUrl, timing: { jitterRatio: 0.1 } }, '`timing.jitterRatio`', 'was replaced', /by `timing\.spreadRatio` in 0\.2/],
    ['timing.maxJitterMs (0.1)', { refreshUrl, timing: { maxJitterMs: 60_000 } }, '`timing.maxJitterMs`', 'was replaced', /by `timing\.spreadRatio` in 0\.2/],
    ['sessionEndWarningMs "5m"', { refreshUrl, sessionEndWarningMs: '5m' }, '`sessionEndWarningMs`', 'got "5m"', /must be a non-negative finite number.*e\.g\. 300000/],
    ['timing.marginRatio 1', { refreshUrl, timing: { marginRatio: 1 } }, '`timing.marginRatio`', 'got 1', /e\.g\. 0\.2/],
    ['minMarginMs > maxMarginMs', { refreshUrl, timing: { minMarginMs: 400_000 } }, '`timing.minMarginMs`', 'got 400000', /must not exceed `timing\.maxMarginMs` \(300000\).*raise maxMarginMs/],
    ['retryBaseMs > retryMaxMs', { refreshUrl, timing: { retryBaseMs: 5_000, retryMaxMs: 2_000 } }, '`timing.retryBaseMs`', 'got 5000', /must not exceed `timing\.retryMaxMs` \(2000\).*raise retryMaxMs/],
    ['requestTimeoutMs 0', { refreshUrl, timing: { requestTimeoutMs: 0 } }, '`timing.requestTimeoutMs`', 'got 0', /must be above 0, got 0; e\.g\. 10000/],
    ['timing.maxRetryAfterMs negative', { refreshUrl, timing: { maxRetryAfterMs: -1 } }, '`timing.maxRetryAfterMs`', 'got -1', /must be a non-negative finite number/],
    ['a storage adapter without name', { refreshUrl, refreshToken: 'storage', storage: { get() {}, set() {}, remove() {} } }, '`storage.name`', 'got undefined', /add e\.g\. name: 'myStore'/],
    ['a persistAccessToken adapter with an empty name', { refreshUrl, persistAccessToken: { name: '', get() {}, set() {}, remove() {} } }, '`persistAccessToken.name`', 'got ""', /add e\.g\. name: 'myStore'/],
    ['refreshUrl not a URL', { refreshUrl: 'https://exa mple.com/refresh' }, '`refreshUrl`', '"https://exa mple.com/refresh"', /is not a valid URL.*e\.g\. 'https:\/\/auth\.example\.com\/token'/],
  ])('%s: names the option, the value and the fix', (_label, options, option, value, fix) => {
    const { message } = thrownBy(options)
    expect(message).toMatch(/^tokenlife: /)
    expect(message).toContain(option)
    expect(message).toContain(value)
    expect(message).toMatch(fix)
  })

  it('accepts the bounds themselves', () => {
    expect(() => create({ refreshUrl, timing: { spreadRatio: 1, minMarginMs: 300_000, retryBaseMs: 60_000 } })).not.toThrow()
    expect(() => create({ refreshUrl, timing: { spreadRatio: 0, maxRetryAfterMs: 0, requestTimeoutMs: 1 } })).not.toThrow()
    expect(() => create({ refreshUrl, allowedOrigins: ['http://localhost:8080', 'https://files.test/private/'] })).not.toThrow()
  })

  it('keeps the widest spread from ever making a fresh token due before it was issued', async () => {
    // spreadRatio 1 and the largest margin (half the lifetime): the first refresh lands between issue and the steady point.
    const { refreshDueAt } = await import('../refreshTiming')
    const options = normalized({ refreshUrl, timing: { spreadRatio: 1, marginRatio: 0.9, maxMarginMs: 1e9 } })
    const now = Date.UTC(2026, 0, 1)
    const lifetimeMs = 60_000
    expect(refreshDueAt(options.timing, now + lifetimeMs, lifetimeMs, now, 0)).toBe(now)
    expect(refreshDueAt(options.timing, now + lifetimeMs, lifetimeMs, now, 0.999_999)).toBeLessThanOrEqual(now + 30_000)
    expect(refreshDueAt(options.timing, now + lifetimeMs, lifetimeMs, now)).toBe(now + 30_000)
  })
})

describe('endpoint URLs', () => {
  it("are made absolute against the document's base URL when the client is created, and stay put", () => {
    const env = new FakeEnvironment()
    env.page = 'https://app.test/dash/1'
    const options = normalizeOptions({
      refreshUrl: '/auth/refresh',
      loginUrl: 'auth/login',
      logoutUrl: 'https://sso.test/logout',
      environment: env,
    })
    expect(options).toMatchObject({
      refreshUrl: 'https://app.test/auth/refresh',
      loginUrl: 'https://app.test/dash/auth/login',
      logoutUrl: 'https://sso.test/logout',
    })
    env.base = 'https://evil.example/' // a <base> injected later changes nothing
    expect(options.refreshUrl).toBe('https://app.test/auth/refresh')
  })

  it('are kept as given where there is no document (server-side rendering)', () => {
    expect(normalized({ refreshUrl: '/auth/refresh', loginUrl: '/auth/login' })).toMatchObject({ refreshUrl: '/auth/refresh', loginUrl: '/auth/login' })
  })
})

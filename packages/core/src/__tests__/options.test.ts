import { FakeEnvironment } from '@tokenlife/test-utils'
import { describe, expect, it } from 'vitest'
import { createAuthClient, memoryStorage, type AuthClientOptions } from '../index'

const refreshUrl = 'https://auth.test/auth/refresh'
const create = (options: Record<string, unknown>) =>
  createAuthClient({ environment: { ...new FakeEnvironment() }, ...options } as unknown as AuthClientOptions)

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
    const client = create({
      refreshUrl,
      loginUrl: '/auth/login',
      logoutUrl: '/auth/logout',
      refreshToken: 'storage',
      storage: memoryStorage(),
      persistAccessToken: memoryStorage(),
      namespace: 'my-app.v2',
      oauthClientId: 'spa-client',
      timing: { marginRatio: 0.5, requestTimeoutMs: 0, retryMaxMs: 120_000 },
      logoutTimeoutMs: 0,
      allowedOrigins: ['https://api.test'],
      wireFormat: { parseTokenResponse: () => ({ accessToken: 'x', expiresIn: 60 }) },
      debug: () => {},
    })
    expect(client.options).toMatchObject({
      refreshTokenMode: 'storage',
      namespace: 'my-app.v2',
      oauthClientId: 'spa-client',
      timing: { marginRatio: 0.5, requestTimeoutMs: 0, retryMaxMs: 120_000, retryBaseMs: 1_000 },
    })
    expect(client.getState()).toEqual({ status: 'initializing' })
  })
})

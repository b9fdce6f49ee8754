import { describe, expect, it } from 'vitest'
import { createOriginPolicy, type OriginPolicySource } from '../originPolicy'

const source = (overrides: Partial<OriginPolicySource> = {}): OriginPolicySource => ({
  refreshUrl: 'https://auth.test/oauth/token',
  loginUrl: undefined,
  logoutUrl: undefined,
  allowedOrigins: [],
  ...overrides,
})

describe('createOriginPolicy', () => {
  it("allows the page's origin and the endpoints' origins by default, nothing else", () => {
    const policy = createOriginPolicy(source({ logoutUrl: 'https://sso.test/logout' }), () => 'https://app.test/dash/1')
    expect(policy.allows('https://app.test/api/me')).toBe(true)
    expect(policy.allows('/api/me')).toBe(true)
    expect(policy.allows('https://auth.test/anything')).toBe(true)
    expect(policy.allows('https://sso.test/userinfo')).toBe(true)
    expect(policy.allows('https://evil.test/api/me')).toBe(false)
  })

  it('matches exact origins: scheme, host and port', () => {
    const policy = createOriginPolicy(source({ allowedOrigins: ['https://api.test'] }), () => undefined)
    expect(policy.allows('https://api.test/v1/x?y=1')).toBe(true)
    expect(policy.allows(new URL('https://API.test:443/v1'))).toBe(true)
    for (const lookalike of [
      'http://api.test/v1',
      'https://api.test:8443/v1',
      'https://api.test.evil.test/v1',
      'https://evil.test/https://api.test/',
      'https://api.test@evil.test/v1',
      'https://sub.api.test/v1',
    ]) {
      expect(policy.allows(lookalike), lookalike).toBe(false)
    }
  })

  it('matches URL prefixes on a path-segment boundary', () => {
    const policy = createOriginPolicy(
      source({ allowedOrigins: ['https://cdn.test/private', 'https://files.test/u/'] }),
      () => undefined,
    )
    expect(policy.allows('https://cdn.test/private')).toBe(true)
    expect(policy.allows('https://cdn.test/private/a.png')).toBe(true)
    expect(policy.allows('https://cdn.test/private?sig=1')).toBe(true)
    expect(policy.allows('https://cdn.test/privateer')).toBe(false)
    expect(policy.allows('https://cdn.test/public/a.png')).toBe(false)
    expect(policy.allows('https://cdn.test/private/../public/a.png')).toBe(false)
    expect(policy.allows('https://files.test/u/1')).toBe(true)
    expect(policy.allows('https://files.test/u')).toBe(false)
  })

  it('resolves relative entries and endpoints against the page, read when asked', () => {
    let page: string | undefined
    const policy = createOriginPolicy(source({ refreshUrl: '/auth/refresh', allowedOrigins: ['/api/'] }), () => page)
    // No page (server-side rendering): relative entries cannot match anything yet.
    expect(policy.allows('https://app.test/api/x')).toBe(false)
    page = 'https://app.test/home'
    expect(policy.allows('https://app.test/api/x')).toBe(true)
    page = 'https://other.test/home'
    expect(policy.allows('https://app.test/api/x')).toBe(false)
    expect(policy.allows('/api/x')).toBe(true)
  })

  it('never matches opaque origins', () => {
    const policy = createOriginPolicy(source(), () => 'file:///index.html')
    expect(policy.allows('file:///etc/passwd')).toBe(false)
    expect(policy.allows('not a url')).toBe(false)
  })

  it.each([
    ['api.test', /no scheme.*https:\/\/api\.test/],
    ['*', /wildcard/],
    ['https://*.example.com', /wildcard/],
    ['https://exa mple.com', /not a valid URL/],
  ])('rejects the entry %s with a TypeError that says what to write', (entry, message) => {
    expect(() => createOriginPolicy(source({ allowedOrigins: [entry] }))).toThrow(TypeError)
    expect(() => createOriginPolicy(source({ allowedOrigins: [entry] }))).toThrow(message)
  })
})

import { describe, expect, it } from 'vitest'
import { createOriginPolicy, type OriginPolicySource } from '../originPolicy'

const source = (overrides: Partial<OriginPolicySource> = {}): OriginPolicySource => ({
  refreshUrl: 'https://auth.test/oauth/token',
  loginUrl: undefined,
  logoutUrl: undefined,
  allowedOrigins: [],
  ...overrides,
})

/** The page (`location.href`) and, when it differs, the document's base URL (`document.baseURI`). */
const at = (page: string | undefined, base?: string) => ({ pageUrl: () => page, baseUrl: () => base ?? page })

describe('createOriginPolicy', () => {
  it("allows the page's origin and the endpoints' origins by default, nothing else", () => {
    const policy = createOriginPolicy(source({ logoutUrl: 'https://sso.test/logout' }), at('https://app.test/dash/1'))
    expect(policy.allows('https://app.test/api/me')).toBe(true)
    expect(policy.allows('/api/me')).toBe(true)
    expect(policy.allows('https://auth.test/anything')).toBe(true)
    expect(policy.allows('https://sso.test/userinfo')).toBe(true)
    expect(policy.allows('https://evil.test/api/me')).toBe(false)
  })

  it('matches exact origins: scheme, host and port', () => {
    const policy = createOriginPolicy(source({ allowedOrigins: ['https://api.test'] }), at(undefined))
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
      at(undefined),
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

  it('resolves relative endpoints against the page, read when asked', () => {
    let page: string | undefined
    const policy = createOriginPolicy(source({ refreshUrl: '/auth/refresh' }), { pageUrl: () => page, baseUrl: () => page })
    // No page (server-side rendering): a relative endpoint cannot match anything yet.
    expect(policy.allows('https://app.test/x')).toBe(false)
    page = 'https://app.test/home'
    expect(policy.allows('https://app.test/x')).toBe(true)
    page = 'https://other.test/home'
    expect(policy.allows('https://app.test/x')).toBe(false)
    expect(policy.allows('/api/x')).toBe(true)
  })

  it("resolves a relative request URL against the document's base URL, but trusts only the page's own origin", () => {
    const policy = createOriginPolicy(source(), at('https://app.test/dash/1', 'https://evil.example/'))
    // fetch('/api/me') would go to https://evil.example/api/me: the policy judges that URL.
    expect(policy.allows('/api/me')).toBe(false)
    expect(policy.allows('https://app.test/api/me')).toBe(true)
    expect(policy.allows('https://evil.example/api/me')).toBe(false)
  })

  it('refuses encoded separators in paths judged against a prefix, and URLs with credentials', () => {
    const policy = createOriginPolicy(source({ allowedOrigins: ['https://cdn.test/private/', 'https://api.test'] }), at(undefined))
    expect(policy.allows('https://cdn.test/private/a')).toBe(true)
    expect(policy.allows('https://cdn.test/private/%2e%2e/public')).toBe(false) // a dot-segment: normalised first
    expect(policy.allows('https://cdn.test/private/..%2fpublic/a')).toBe(false)
    expect(policy.allows('https://cdn.test/private/..%2Fpublic/a')).toBe(false)
    expect(policy.allows('https://cdn.test/private/..%5cpublic/a')).toBe(false)
    expect(policy.allows('https://cdn.test/private\\..\\public/a')).toBe(false) // backslashes are slashes to the parser
    // The origin is the unit of trust: on an allowed origin, the path does not matter.
    expect(policy.allows('https://api.test/a/..%2fb')).toBe(true)
    expect(policy.allows('https://user:pw@api.test/a')).toBe(false)
  })

  it('never matches opaque origins', () => {
    const policy = createOriginPolicy(source(), at('file:///index.html'))
    expect(policy.allows('file:///etc/passwd')).toBe(false)
    expect(policy.allows('not a url')).toBe(false)
  })

  it.each([
    ['api.test', /has no scheme; write it as "https:\/\/api\.test"/],
    ['localhost:8080', /has no scheme; write it as "http:\/\/localhost:8080"/],
    ['api.example.com:8443', /has no scheme; write it as "https:\/\/api\.example\.com:8443"/],
    ['.example.com', /domain suffix; subdomain patterns are not supported: list each origin in full, e\.g\. "https:\/\/api\.example\.com"/],
    ['//api.test', /has no scheme; write it as "https:\/\/api\.test"/],
    ['/api/', /is relative; the page's own origin always gets the token: remove it/],
    ['ftp://files.test', /must be an http: or https: URL/],
    ['https://user:pw@api.test', /credentials in it; write "https:\/\/api\.test"/],
    ['*', /wildcard/],
    ['https://*.example.com', /wildcard/],
    ['https://exa mple.com', /not a valid URL/],
  ])('rejects the entry %s with a TypeError that says what to write', (entry, message) => {
    const build = () => createOriginPolicy(source({ allowedOrigins: [entry] }), at(undefined))
    expect(build).toThrow(TypeError)
    expect(build).toThrow(/^tokenlife: option `allowedOrigins` entry /)
    expect(build).toThrow(JSON.stringify(entry))
    expect(build).toThrow(message)
  })
})

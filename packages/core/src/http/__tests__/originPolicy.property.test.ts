import { FakeEnvironment, mintAccessToken } from '@tokenlife/test-utils'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { createAuthClient, createAuthFetch } from '../../index'

/**
 * The property: through `createAuthFetch(auth)`, the access token goes with a request if and only if the URL that is actually
 * fetched (resolved the way a browser's fetch resolves it: against the document's base URL at the time of the call)
 * has an allowed origin, or lies under an allowed prefix. The oracle below is written independently of the SDK's
 * policy: plain string comparisons on the parsed URL.
 */

const ALLOWED_ORIGINS = ['https://api.test', 'http://localhost:8080', 'https://xn--bcher-kva.test'] // bücher.test
const PREFIX = { origin: 'https://cdn.test', path: '/private/' }
const REFRESH_URL = 'https://auth.test/oauth/token'
const LOGOUT_URL = '/auth/logout' // relative: made absolute against the page when the client is created

const PAGES = ['https://app.test/dir/page.html', 'http://localhost:8080/app/', 'file:///index.html', undefined]
// What an injected (or legitimate) <base href> may make of the document's base URL after the client exists.
const BASES = [undefined, 'https://evil.example/x/', 'https://app.test/other/', 'https://api.test/v1/', 'http://app.test/', 'https://cdn.test/private/']

const scheme = fc.constantFrom('https:', 'http:', 'HTTPS:', 'HtTp:', 'ftp:', 'ws:', 'file:')
const userinfo = fc.constantFrom('', '', '', 'user@', 'user:pw@', 'api.test@', ':@')
const host = fc.constantFrom(
  'api.test',
  'API.TEST',
  'api.test.',
  'app.test',
  'auth.test',
  'cdn.test',
  'CDN.test',
  'evil.example',
  'api.test.evil.example',
  'evil.example%2f@api.test',
  'bücher.test',
  'BÜCHER.test',
  'xn--bcher-kva.test',
  'ａｐｉ.test', // fullwidth: the parser maps it to api.test
  'localhost',
  '127.0.0.1',
  '[::1]',
)
const port = fc.constantFrom('', '', ':443', ':80', ':8080', ':8443')
const path = fc.constantFrom(
  '',
  '/',
  '/private',
  '/private/',
  '/private/a.png',
  '/PRIVATE/a',
  '/private/../public/a',
  '/private/%2e%2e/public/a',
  '/private/.%2E/public/a',
  '/private/..%2fpublic/a',
  '/private/..%2Fpublic/a',
  '/private/..%5cpublic/a',
  '/private\\..\\public\\a',
  '/private/./a',
  '/privateer/a',
  '//evil.example/x',
  '/api/me?q=https://evil.example#frag',
  '/auth/logout',
)
const absolute = fc.tuple(scheme, userinfo, host, port, path).map(([s, u, h, p, rest]) => `${s}//${u}${h}${p}${rest}`)
const schemeRelative = fc.tuple(userinfo, host, port, path).map(([u, h, p, rest]) => `//${u}${h}${p}${rest}`)
const backslashed = fc.tuple(host, path).map(([h, rest]) => `\\\\${h}${rest}`)
const relative = fc.oneof(
  path.filter((rest) => rest.startsWith('/')),
  fc.constantFrom('api/me', './x', '../private/a', '..', '?q=1', '#top', '', ' /api/me ', '\t/api/me', 'private/a'),
)
const url = fc.oneof(absolute, absolute.map((text) => ` ${text}\n`), schemeRelative, backslashed, relative)
const inputKind = fc.constantFrom('string', 'URL', 'Request')

/** The URL a browser's fetch would send `text` to, given the document's base URL; `undefined` when it cannot. */
function browserResolves(text: string, base: string | undefined): URL | undefined {
  try {
    return new URL(text, base)
  } catch {
    return undefined
  }
}

/** The oracle: which fetched URLs may carry the token. */
function mayCarryToken(fetched: URL, page: string | undefined): boolean {
  if (fetched.username !== '' || fetched.password !== '') return false
  if (fetched.protocol !== 'https:' && fetched.protocol !== 'http:') return false
  const origin = `${fetched.protocol}//${fetched.host}`
  const allowed = new Set(ALLOWED_ORIGINS)
  allowed.add(new URL(REFRESH_URL).origin)
  if (page !== undefined && /^https?:/.test(page)) {
    allowed.add(`${new URL(page).protocol}//${new URL(page).host}`)
    const logout = new URL(LOGOUT_URL, page)
    allowed.add(`${logout.protocol}//${logout.host}`)
  }
  if (allowed.has(origin)) return true
  return origin === PREFIX.origin && fetched.pathname.startsWith(PREFIX.path) && !/%2f|%5c/i.test(fetched.pathname)
}

interface Sent {
  url: string
  authorization: string | null
}

/** A client signed in with a long-lived token; its fetch behaves like a browser's and records what leaves. */
function signedInClient(page: string | undefined) {
  const env = new FakeEnvironment()
  env.page = page
  const sent: Sent[] = []
  env.fetch = async (input, init) => {
    const request = input instanceof Request ? input : undefined
    const target = browserResolves(request ? request.url : input instanceof URL ? input.href : String(input), env.baseUrl())
    if (target === undefined) throw new TypeError('Failed to parse URL')
    sent.push({ url: target.href, authorization: new Headers(init?.headers ?? request?.headers).get('Authorization') })
    if (target.username !== '' || target.password !== '') throw new TypeError('Request cannot be constructed from a URL that includes credentials')
    if (target.protocol !== 'https:' && target.protocol !== 'http:') throw new TypeError('Failed to fetch')
    return new Response('{}', { status: 200 })
  }
  const auth = createAuthClient({
    refreshUrl: REFRESH_URL,
    logoutUrl: LOGOUT_URL,
    allowedOrigins: [...ALLOWED_ORIGINS, `${PREFIX.origin}${PREFIX.path}`],
    environment: env,
  })
  const { accessToken } = auth.setTokens({ accessToken: mintAccessToken(env.now(), 3_600), expiresIn: 3_600 })
  return { env, auth, sent, accessToken }
}

describe('the origin decision (property)', () => {
  it('attaches the token iff the URL actually fetched is allowed, whatever the URL, the page and the <base>', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...PAGES),
        fc.constantFrom(...BASES),
        fc.array(fc.tuple(url, inputKind), { minLength: 1, maxLength: 8 }),
        async (page, base, requests) => {
          const { env, auth, sent, accessToken } = signedInClient(page)
          // The <base> arrives after the client was created (the endpoints were fixed then).
          env.base = base === undefined || page === undefined ? undefined : base
          try {
            for (const [text, kind] of requests) {
              sent.length = 0
              const fetched = browserResolves(text, env.baseUrl())
              let input: string | URL | Request = text
              // A URL or Request is made by the app before the call, resolved by the browser as it is made.
              if (kind !== 'string' && fetched !== undefined) {
                try {
                  input = kind === 'URL' ? new URL(fetched) : new Request(fetched)
                } catch {
                  input = text // Node's Request refuses some URLs (credentials): send the string instead
                }
              }
              await createAuthFetch(auth)(input).catch(() => undefined)
              if (fetched === undefined) {
                expect(sent).toEqual([])
                continue
              }
              expect(sent).toHaveLength(1)
              const [request] = sent
              // Fetched exactly where the browser would have sent the caller's URL...
              expect(request!.url).toBe(fetched.href)
              // ...and with the token if and only if that URL may have it.
              const attached = request!.authorization === `Bearer ${accessToken}`
              expect(attached || request!.authorization === null).toBe(true)
              expect(attached, `${JSON.stringify(text)} (${kind}) → ${fetched.href}, page ${page}, base ${base}`).toBe(
                mayCarryToken(fetched, page),
              )
            }
          } finally {
            auth.destroy()
          }
        },
      ),
      { seed: 20_261_201, numRuns: 400 },
    )
    // 400 fixed cases: about 1 s alone, much longer on a loaded machine, which is no failure.
  }, 120_000)
})

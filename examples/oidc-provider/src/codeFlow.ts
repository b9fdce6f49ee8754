// The authorization-code flow with PKCE driven over HTTP, as a Node test needs it (no page): the provider's login
// form is submitted like a browser would, and the code is exchanged for the first tokens.
import { createHash, randomBytes } from 'node:crypto'

/** What the token endpoint answers to the authorization-code exchange. */
export interface CodeTokens {
  access_token: string
  refresh_token: string
  id_token?: string
  expires_in: number
  token_type: string
  scope?: string
}

/** Cookies as a browser would keep them for one origin, enough for the provider's interaction pages. */
function cookieJar() {
  const jar = new Map<string, string>()
  return {
    remember(response: Response) {
      for (const cookie of response.headers.getSetCookie()) {
        const [pair = ''] = cookie.split(';')
        const eq = pair.indexOf('=')
        const name = pair.slice(0, eq).trim()
        const value = pair.slice(eq + 1).trim()
        if (value === '' || /expires=Thu, 01 Jan 1970/i.test(cookie)) jar.delete(name)
        else jar.set(name, value)
      }
    },
    header: () => [...jar].map(([name, value]) => `${name}=${value}`).join('; '),
  }
}

/**
 * Follows an authorization request through the provider's login form (any password) and returns the URL it
 * redirects to at `redirectUri` (with `code` and `state`, or `error`).
 */
export async function authorizeOverHttp(authorizationUrl: string, { redirectUri, user }: { redirectUri: string; user: string }): Promise<URL> {
  const jar = cookieJar()
  let next: { url: string; init: RequestInit } = { url: authorizationUrl, init: {} }
  for (let step = 0; step < 12; step++) {
    const response = await fetch(next.url, { ...next.init, redirect: 'manual', headers: { ...next.init.headers, cookie: jar.header() } })
    jar.remember(response)
    const location = response.headers.get('location')
    if (location) {
      await response.body?.cancel()
      const target = new URL(location, next.url)
      if (target.href.startsWith(redirectUri)) return target
      next = { url: target.href, init: {} }
      continue
    }
    // A login (or consent) page: submit its form.
    const page = await response.text()
    const action = /<form[^>]*action="([^"]+)"/.exec(page)?.[1]
    const prompt = /name="prompt" value="([^"]+)"/.exec(page)?.[1]
    if (!action || !prompt) throw new Error(`unexpected page at ${next.url} (HTTP ${response.status}): ${page.slice(0, 300)}`)
    const form = new URLSearchParams(prompt === 'login' ? { prompt, login: user, password: 'any' } : { prompt })
    next = {
      url: new URL(action.replaceAll('&amp;', '&'), next.url).href,
      init: { method: 'POST', body: form, headers: { 'content-type': 'application/x-www-form-urlencoded' } },
    }
  }
  throw new Error('the code flow did not reach the redirect URI')
}

/** Signs `user` in with the authorization-code flow and PKCE, over HTTP, and exchanges the code. */
export async function signInOverHttp(
  issuer: string,
  { clientId, redirectUri, user, resource }: { clientId: string; redirectUri: string; user: string; resource?: string },
): Promise<CodeTokens> {
  const verifier = randomBytes(32).toString('base64url')
  const authorize = new URL('/auth', issuer)
  authorize.search = new URLSearchParams({
    client_id: clientId,
    response_type: 'code',
    redirect_uri: redirectUri,
    scope: resource ? 'openid api:read' : 'openid',
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
    state: randomBytes(8).toString('hex'),
    ...(resource ? { resource } : {}),
  }).toString()
  const callback = await authorizeOverHttp(authorize.href, { redirectUri, user })
  const error = callback.searchParams.get('error')
  if (error) throw new Error(`sign-in refused: ${error} ${callback.searchParams.get('error_description') ?? ''}`)
  const code = callback.searchParams.get('code')
  if (!code) throw new Error('the redirect carried no code')
  const exchange = await fetch(new URL('/token', issuer), {
    method: 'POST',
    body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: redirectUri, client_id: clientId, code_verifier: verifier }),
  })
  const tokens = (await exchange.json()) as CodeTokens & { error?: string; error_description?: string }
  if (!exchange.ok) throw new Error(`code exchange failed: ${tokens.error} ${tokens.error_description ?? ''}`)
  return tokens
}

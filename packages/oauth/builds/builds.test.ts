// The two builds of the package as an app gets them (run after `pnpm build`): the production build (dist/, also the
// default when no condition is set) and the development build (dist/development/), each signing in at a real
// oidc-provider. Both refuse every attack with the same class and code (state, replay, iss, nonce, signature, a
// returnTo on another origin) and store nothing; only the development build writes the table's messages and refuses
// unknown option names. oauth4webapi stays a module of its own, loaded with import().
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import type * as OAuth from '../src/index'
import { APP, atProvider, newBrowser, openTab, rejection as refusal, signIn, useProvider, type Tab } from '../src/__tests__/harness'

const packageDir = fileURLToPath(new URL('..', import.meta.url))
const load = async (path: string) => (await import(/* @vite-ignore */ new URL(path, import.meta.url).href)) as typeof OAuth
const builds = { production: await load('../dist/index.js'), development: await load('../dist/development/index.js') }
const provider = useProvider()
const link = (code: string) => `https://tokenlife.dev/troubleshooting#${code.toLowerCase()}`
const claimsOf = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>

describe.each(Object.entries(builds))('the %s build', (name, oauth) => {
  const tab = (path = '/', browser = newBrowser()) => openTab(browser, path, {}, oauth.createOAuthClient)
  /** The callback URL the provider sends `at` back to (not handled yet). */
  const callbackOf = async (at: Tab) => {
    await at.oauth.loginWithRedirect()
    return new URL(await atProvider(at))
  }
  /** Nothing of a session in `at`: signed out, no refresh token, no transaction left in its tab. */
  const expectNothingStored = async (at: Tab) => {
    expect(at.auth.getState().status).not.toBe('authenticated')
    expect(at.auth.getState().accessToken).toBeUndefined()
  }
  /** The message of `code`: the table's text then the code and link (development), or the code, subject and link. */
  const expectMessage = (error: Error, code: string, subject: string | undefined, development: RegExp) => {
    if (name === 'production') expect(error.message).toBe(`tokenlife: ${code}${subject === undefined ? '' : ` ${subject}`}: ${link(code)}`)
    else {
      expect(error.message).toMatch(development)
      expect(error.message.endsWith(`(${code}: ${link(code)})`)).toBe(true)
    }
  }

  it('signs in: the validated ID token as the user, returnTo', async () => {
    const at = tab('/account')
    expect(await signIn(at)).toEqual({ returnTo: '/account' })
    expect(at.auth.getState()).toMatchObject({ status: 'authenticated', user: { sub: 'ada', aud: 'tokenlife-spa' } })
  })

  it('refuses an issuer over plain HTTP (TL504) and a missing client id (TL503): a TypeError with the code', async () => {
    const http = await refusal(() => oauth.createOAuthClient({ issuer: 'http://id.example.com', clientId: 'spa', redirectUri: '/callback' }))
    expect(http).toBeInstanceOf(TypeError)
    expect(http.code).toBe('TL504')
    expectMessage(http, 'TL504', 'issuer', /^tokenlife: createOAuthClient\(\) option `issuer` must be an absolute https URL/)
    const empty = await refusal(() => oauth.createOAuthClient({ issuer: provider().issuer, clientId: '', redirectUri: '/callback' }))
    expect(empty).toMatchObject({ name: 'TypeError', code: 'TL503' })
  })

  it('refuses a returnTo on another origin (TL530) before anything is stored or sent', async () => {
    const at = tab()
    const error = await refusal(() => at.oauth.loginWithRedirect({ returnTo: 'https://evil.example/' }))
    expect(oauth.isReturnToError(error)).toBe(true)
    expect(error).toBeInstanceOf(oauth.ReturnToError)
    expect(error).toMatchObject({ code: 'TL530', returnTo: 'https://evil.example/', origin: APP })
    expectMessage(error, 'TL530', 'https://evil.example/', /^tokenlife: returnTo must be on this page's origin/)
    expect(at.navigations).toEqual([])
    expect(at.tabStorage.map.size).toBe(0)
  })

  it('refuses a callback of another state (TL522) or none (TL521)', async () => {
    const at = tab()
    const url = await callbackOf(at)
    url.searchParams.set('state', 'forged-state-value')
    const forged = await refusal(() => at.oauth.handleRedirectCallback(url.href))
    expect(oauth.isCallbackStateError(forged)).toBe(true)
    expect(forged).toMatchObject({ code: 'TL522', problem: 'mismatch' })
    expectMessage(forged, 'TL522', 'state', /^tokenlife: refused the sign-in callback: the callback's `state` is not/)
    url.searchParams.delete('state')
    expect(await refusal(() => at.oauth.handleRedirectCallback(url.href))).toMatchObject({ name: 'CallbackStateError', code: 'TL521', problem: 'missing' })
    await expectNothingStored(at)
  })

  it('refuses a callback handled already (TL524), and leaves the session it made untouched', async () => {
    const browser = newBrowser()
    const first = tab('/', browser)
    await first.oauth.loginWithRedirect()
    const url = await atProvider(first)
    await first.oauth.handleRedirectCallback(url)
    const session = await browser.storage.get('tokenlife:default:refresh_token')
    const reload = openTab(browser, url, {}, oauth.createOAuthClient)
    const replayed = await refusal(() => reload.oauth.handleRedirectCallback(url))
    expect(oauth.isCallbackReplayError(replayed)).toBe(true)
    expect(replayed.code).toBe('TL524')
    expectMessage(replayed, 'TL524', undefined, /^tokenlife: refused the sign-in callback: it was handled already/)
    expect(session).toBeTruthy()
    expect(await browser.storage.get('tokenlife:default:refresh_token')).toBe(session)
  })

  it('refuses an iss of another issuer (TL526, the mix-up defence)', async () => {
    const at = tab()
    const url = await callbackOf(at)
    url.searchParams.set('iss', 'https://evil.example')
    const error = await refusal(() => at.oauth.handleRedirectCallback(url.href))
    expect(oauth.isIssuerMismatchError(error)).toBe(true)
    expect(error).toMatchObject({ code: 'TL526', expected: provider().issuer, received: 'https://evil.example' })
    expectMessage(error, 'TL526', 'https://evil.example', /^tokenlife: refused the sign-in callback: `iss` is https:\/\/evil\.example/)
    await expectNothingStored(at)
  })

  it('refuses an ID token with another nonce (TL549) or a signature that does not verify (TL541)', async () => {
    for (const [check, code, forge] of [
      ['nonce', 'TL549', async (jwt: string) => provider().signingKey.sign({ ...claimsOf(jwt), nonce: 'another-sign-in' })],
      ['signature', 'TL541', (jwt: string) => { const [header, , signature] = jwt.split('.'); return `${header}.${Buffer.from(JSON.stringify({ ...claimsOf(jwt), name: 'Not Ada' })).toString('base64url')}.${signature}` }],
    ] as const) {
      provider().rewriteTokenAnswers(async (body, grantType) => (grantType === 'authorization_code' ? { ...body, id_token: await forge(body.id_token as string) } : body))
      const at = tab()
      const url = await callbackOf(at)
      const error = await refusal(() => at.oauth.handleRedirectCallback(url.href))
      expect(oauth.isIdTokenError(error), check).toBe(true)
      expect(error).toMatchObject({ code, check })
      expectMessage(error, code, check, /^tokenlife: refused the ID token: /)
      await expectNothingStored(at)
    }
  })

  if (name === 'production') {
    it('does not check option names, a check that only helps a developer', () => {
      const options = { issuer: provider().issuer, clientId: 'spa', redirectUri: '/callback', authority: 'x' }
      expect(() => oauth.createOAuthClient(options as OAuth.OAuthClientOptions).auth.destroy()).not.toThrow()
    })
  } else {
    it('refuses an unknown option name (TL502)', async () => {
      const options = { issuer: provider().issuer, clientId: 'spa', redirectUri: '/callback', authority: 'x' }
      expect(await refusal(() => oauth.createOAuthClient(options as OAuth.OAuthClientOptions))).toMatchObject({ name: 'TypeError', code: 'TL502' })
    })
  }

  it('keeps oauth4webapi a module of its own, loaded on first use (import and require)', () => {
    const dir = name === 'production' ? 'dist' : 'dist/development'
    for (const file of ['index.js', 'index.cjs']) {
      const code = readFileSync(`${packageDir}/${dir}/${file}`, 'utf8')
      expect(code).toMatch(/import\(["']oauth4webapi["']\)/)
      expect(code).not.toMatch(/from\s*["']oauth4webapi["']|require\(["']oauth4webapi["']\)/)
    }
  })
})

describe('export conditions', () => {
  /** Runs `source` in Node from the package's directory with `conditions`, printing what it logs. */
  const node = (conditions: string[], source: string) =>
    execFileSync(process.execPath, [...conditions.map((condition) => `--conditions=${condition}`), '--input-type=module', '-e', source], { cwd: packageDir, encoding: 'utf8' }).trim()
  const attempt = `try { createOAuthClient({ issuer: 'http://id.example.com', clientId: 'spa', redirectUri: '/callback' }) } catch (error) { console.log(error.code, error.message) }`
  const probe = `import { createOAuthClient } from '@tokenlife/oauth'\n${attempt}`
  const requireProbe = `import { createRequire } from 'node:module'\nconst { createOAuthClient } = createRequire(process.cwd() + '/')('@tokenlife/oauth')\n${attempt}`
  const production = `TL504 tokenlife: TL504 issuer: ${link('TL504')}`

  it('Node without a condition gets the production build (import and require)', () => {
    expect(node([], probe)).toBe(production)
    expect(node([], requireProbe)).toBe(production)
  })

  it('--conditions=development gets the development build (import and require)', () => {
    expect(node(['development'], probe)).toMatch(/^TL504 tokenlife: createOAuthClient\(\) option `issuer` must be an absolute https URL/)
    expect(node(['development'], requireProbe)).toMatch(/^TL504 tokenlife: createOAuthClient\(\) option `issuer` must be an absolute https URL/)
  })

  it('--conditions=production gets the production build', () => {
    expect(node(['production'], probe)).toBe(production)
  })
})

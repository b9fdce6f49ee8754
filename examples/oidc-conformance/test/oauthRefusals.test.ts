// Every way a sign-in must be refused, in real Chromium against oidc-provider: each gives its typed error and stores
// nothing (no session, no refresh token in IndexedDB, no token in sessionStorage).
import { exportJWK, generateKeyPair, SignJWT } from 'jose'
import type { Page } from 'playwright'
import { beforeEach, describe, expect, it } from 'vitest'
import { callbackOutcome, loginThroughForm, openApp, stateOf, storedSession, useOAuthStack, type PageApp } from './oauthApp'

const stack = useOAuthStack()
let page: Page

beforeEach(async () => {
  page = await openApp(stack, await stack.newContext())
  await page.waitForFunction(() => (window as unknown as { app: PageApp }).app.auth.getState().status === 'unauthenticated')
})

/** Hands `url` to the page's `handleRedirectCallback` and returns its outcome (the error's fields, if refused). */
function handleByHand(on: Page, url: string) {
  return on.evaluate(async (url) => {
    try {
      return await (window as unknown as { app: PageApp }).app.oauth.handleRedirectCallback(url)
    } catch (caught) {
      const error = caught as Error & { cause?: Error }
      return { error: { ...error, name: error.name, message: error.message } as Record<string, unknown> }
    }
  }, url)
}

/** Nothing of a session in this profile. */
async function expectNothingStored(on: Page = page) {
  expect((await stateOf(on)).status).not.toBe('authenticated')
  expect(await storedSession(on)).toEqual({ refreshToken: undefined, tabKeys: [] })
}

/** The callback URL the provider sent the page to, which the page did not handle (the test does). */
async function callbackUrl(): Promise<URL> {
  await loginThroughForm(stack, page, 'ada', { manual: true })
  return new URL(page.url())
}

const claimsOf = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>
const base64url = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url')

/** The sign-in's ID token is replaced by `forge(its claims)` on its way from the token endpoint. */
function forgeSignInIdToken(forge: (claims: Record<string, unknown>) => Promise<string> | string) {
  stack.op.rewriteTokenAnswers(async (body, grantType) =>
    grantType === 'authorization_code' ? { ...body, id_token: await forge(claimsOf(body.id_token as string)) } : body,
  )
}

describe('the callback’s state', () => {
  it('another state than this tab’s: CallbackStateError (mismatch)', async () => {
    const url = await callbackUrl()
    url.searchParams.set('state', 'forged-state-value')
    expect(await handleByHand(page, url.href)).toMatchObject({ error: { name: 'CallbackStateError', problem: 'mismatch' } })
    await expectNothingStored()
  })

  it('no state: CallbackStateError (missing)', async () => {
    const url = await callbackUrl()
    url.searchParams.delete('state')
    expect(await handleByHand(page, url.href)).toMatchObject({ error: { name: 'CallbackStateError', problem: 'missing' } })
    await expectNothingStored()
  })

  it('a callback opened again (reload, back button, another tab): CallbackReplayError, the session untouched', async () => {
    await loginThroughForm(stack, page, 'ada', { manual: true })
    const url = page.url()
    expect(await handleByHand(page, url)).toEqual({ returnTo: '/' })
    const session = await storedSession(page)
    const exchanges = stack.op.log.codeSuccesses + stack.op.log.codeErrors.length
    // The same URL again, in this tab (a reload) and in a new one.
    await page.evaluate(() => sessionStorage.removeItem('manual'))
    await page.goto(url)
    await page.waitForFunction(() => 'app' in window)
    expect(await callbackOutcome(page)).toMatchObject({ error: { name: 'CallbackReplayError' } })
    const other = await openApp(stack, page.context(), new URL(url).pathname + new URL(url).search)
    expect(await callbackOutcome(other)).toMatchObject({ error: { name: 'CallbackReplayError' } })
    // No second exchange of the code; the session is the one the first callback made.
    expect(stack.op.log.codeSuccesses + stack.op.log.codeErrors.length).toBe(exchanges)
    await other.waitForFunction(() => (window as unknown as { app: PageApp }).app.auth.getState().status === 'authenticated')
    expect(await stateOf(other)).toMatchObject({ status: 'authenticated', user: { sub: 'ada' } })
    expect((await storedSession(other)).refreshToken).toBeTruthy()
    expect(session.refreshToken).toBeTruthy()
  })

  it('a sign-in begun in another tab: OtherTabTransactionError; that tab can still finish it', async () => {
    const url = (await callbackUrl()).href
    const other = await openApp(stack, page.context(), new URL(url).pathname + new URL(url).search)
    expect(await callbackOutcome(other)).toMatchObject({ error: { name: 'OtherTabTransactionError' } })
    await expectNothingStored(other)
    expect(await handleByHand(page, url)).toEqual({ returnTo: '/' })
    expect(await stateOf(page)).toMatchObject({ status: 'authenticated' })
  })
})

describe('the provider’s answers', () => {
  it('an `iss` of another issuer (mix-up): IssuerMismatchError', async () => {
    const url = await callbackUrl()
    expect(url.searchParams.get('iss')).toBe(stack.op.issuer)
    url.searchParams.set('iss', 'https://evil.example')
    expect(await handleByHand(page, url.href)).toMatchObject({
      error: { name: 'IssuerMismatchError', expected: stack.op.issuer, received: 'https://evil.example' },
    })
    await expectNothingStored()
  })

  it('a provider error (prompt=none without a session: login_required): AuthorizationError with error and description', async () => {
    await page.evaluate(() => void (window as unknown as { app: PageApp }).app.oauth.loginWithRedirect({ authorizationParams: { prompt: 'none' } }))
    await page.waitForURL((url) => url.href.startsWith(`${stack.appOrigin}/callback`))
    await page.waitForFunction(() => 'app' in window)
    const outcome = await callbackOutcome(page)
    expect(outcome).toMatchObject({ error: { name: 'AuthorizationError', error: 'login_required' } })
    expect((outcome as { error: { description?: string } }).error.description).toBeTruthy()
    await expectNothingStored()
  })

  it('a code already used: CodeExchangeError (invalid_grant)', async () => {
    await page.route(stack.op.tokenEndpoint, async (route) => {
      if (!route.request().postData()?.includes('authorization_code')) return route.continue()
      await route.fetch() // someone else exchanged this code first
      await route.fulfill({ response: await route.fetch() })
    })
    await loginThroughForm(stack, page)
    expect(await callbackOutcome(page)).toMatchObject({ error: { name: 'CodeExchangeError', error: 'invalid_grant', status: 400 } })
    await expectNothingStored()
  })
})

describe('the ID token', () => {
  const refusedFor = async (check: string) => {
    await loginThroughForm(stack, page)
    expect(await callbackOutcome(page)).toMatchObject({ error: { name: 'IdTokenError', check } })
    await expectNothingStored()
  }

  it('another nonce: IdTokenError (nonce)', async () => {
    forgeSignInIdToken((claims) => stack.op.signingKey.sign({ ...claims, nonce: 'another-sign-in' }))
    await refusedFor('nonce')
  })

  it('another audience: IdTokenError (aud)', async () => {
    forgeSignInIdToken((claims) => stack.op.signingKey.sign({ ...claims, aud: 'another-app' }))
    await refusedFor('aud')
  })

  it('expired: IdTokenError (exp)', async () => {
    const now = Math.floor(Date.now() / 1000)
    forgeSignInIdToken((claims) => stack.op.signingKey.sign({ ...claims, iat: now - 7200, exp: now - 3600 }))
    await refusedFor('exp')
  })

  it('signed with a key the provider’s JWKS does not have: IdTokenError (signature)', async () => {
    const { privateKey, publicKey } = await generateKeyPair('RS256')
    expect((await exportJWK(publicKey)).n).toBeTruthy()
    forgeSignInIdToken((claims) => new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: 'attacker-key' }).sign(privateKey))
    await refusedFor('signature')
  })

  it('signed by the provider’s key id but another key: IdTokenError (signature)', async () => {
    const { privateKey } = await generateKeyPair('RS256')
    forgeSignInIdToken((claims) => new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: stack.op.signingKey.kid }).sign(privateKey))
    await refusedFor('signature')
  })

  it('unsigned (alg: none): IdTokenError (alg)', async () => {
    forgeSignInIdToken((claims) => `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url(claims)}.`)
    await refusedFor('alg')
  })
})

describe('returnTo', () => {
  it('on another origin: ReturnToError, and the page neither leaves nor stores a transaction', async () => {
    const outcome = await page.evaluate(() =>
      (window as unknown as { app: PageApp }).app.oauth.loginWithRedirect({ returnTo: 'https://evil.example/' }).then(
        () => 'left',
        (error: Error & { returnTo?: string }) => ({ name: error.name, returnTo: error.returnTo }),
      ),
    )
    expect(outcome).toEqual({ name: 'ReturnToError', returnTo: 'https://evil.example/' })
    expect(page.url()).toBe(`${stack.appOrigin}/`)
    expect(await page.evaluate(() => Object.keys(sessionStorage))).toEqual([])
    await expectNothingStored()
  })
})


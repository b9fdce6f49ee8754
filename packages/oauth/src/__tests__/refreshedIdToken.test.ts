// Every ID token a refresh returns is validated like the sign-in's. A rotating refresh token is a one-time secret: a
// validation that cannot run (the JWKS is down) must not lose the rotated token; a token for another user ends the
// session. Against a real oidc-provider whose answers a test may rewrite.
import { isSessionEndedError } from '@tokenlife/core'
import { describe, expect, it } from 'vitest'
import { isIdTokenError } from '../errors'
import { newBrowser, openTab, signIn, useProvider } from './harness'

const provider = useProvider()
const refreshKey = 'tokenlife:default:refresh_token'

/** The claims of a JWT (no check). */
const claimsOf = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>

/** Waits until `condition` holds (a revocation the client sends without waiting for it). */
async function eventually(condition: () => Promise<boolean>): Promise<void> {
  for (let tries = 0; tries < 50; tries++) {
    if (await condition()) return
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  throw new Error('the condition never held')
}

describe('a refreshed ID token that cannot be checked now', () => {
  it('JWKS down at a reloaded page’s first refresh: the session waits, the rotated refresh token is kept, no reuse', async () => {
    const browser = newBrowser()
    const before = openTab(browser)
    await signIn(before)
    const signedInWith = (await browser.storage.get(refreshKey))!
    before.auth.destroy()

    provider().jwksDown = true
    // No automatic retry while the test looks (it would rotate again): the test refreshes when it wants one.
    const reloaded = openTab(browser, '/', { timing: { retryBaseMs: 600_000, retryMaxMs: 600_000 } })
    await reloaded.auth.start()
    const state = reloaded.auth.getState()
    expect(state.status).toBe('initializing')
    expect(state.error).toMatchObject({ name: 'ServerError', status: 503 })
    // The answer was not adopted, but the refresh token it rotated to is the one stored: the spent one is gone.
    const rotated = (await browser.storage.get(refreshKey))!
    expect(rotated).not.toBe(signedInWith)
    expect(await provider().isRefreshTokenActive(signedInWith)).toBe(false)
    expect(await provider().isRefreshTokenActive(rotated)).toBe(true)

    provider().jwksDown = false
    const refreshed = await reloaded.auth.refresh()
    expect(refreshed).toMatchObject({ status: 'authenticated', user: { sub: 'ada' } })
    expect(provider().log.refreshErrors).toEqual([])
  })
})

describe('a refreshed ID token that fails a check ends the session', () => {
  it('another `sub`: SessionEndedError (cause IdTokenError "sub"), storage cleared, the answer’s refresh token revoked', async () => {
    const browser = newBrowser()
    const tab = openTab(browser)
    await signIn(tab, 'ada')
    let answered: string | undefined
    provider().rewriteTokenAnswers(async (body, grantType) => {
      if (grantType !== 'refresh_token') return body
      answered = body.refresh_token as string
      return { ...body, id_token: await provider().signingKey.sign({ ...claimsOf(body.id_token as string), sub: 'mallory' }) }
    })
    const error = await tab.auth.refresh().catch((caught: unknown) => caught)
    expect(isSessionEndedError(error)).toBe(true)
    expect(error).toMatchObject({ reason: 'revoked', error: 'invalid_id_token' })
    expect(isIdTokenError((error as Error).cause)).toBe(true)
    expect((error as Error).cause).toMatchObject({ check: 'sub' })
    expect(tab.auth.getState()).toEqual({ status: 'unauthenticated', reason: 'revoked' })
    expect(await browser.storage.get(refreshKey)).toBeUndefined()
    await eventually(async () => !(await provider().isRefreshTokenActive(answered!)))
  })

  it('a signature that does not verify (payload changed after signing): IdTokenError "signature", session ended', async () => {
    const tab = openTab(newBrowser())
    await signIn(tab, 'ada')
    provider().rewriteTokenAnswers((body, grantType) => {
      if (grantType !== 'refresh_token') return body
      const [header, , signature] = (body.id_token as string).split('.')
      const payload = Buffer.from(JSON.stringify({ ...claimsOf(body.id_token as string), name: 'Not Ada' })).toString('base64url')
      return { ...body, id_token: `${header}.${payload}.${signature}` }
    })
    const error = (await tab.auth.refresh().catch((caught: unknown) => caught)) as Error
    expect(error.cause).toMatchObject({ name: 'IdTokenError', check: 'signature' })
    expect(tab.auth.getState()).toEqual({ status: 'unauthenticated', reason: 'revoked' })
  })

  it('another audience: IdTokenError "aud", session ended', async () => {
    const tab = openTab(newBrowser())
    await signIn(tab, 'ada')
    provider().rewriteTokenAnswers(async (body, grantType) =>
      grantType === 'refresh_token'
        ? { ...body, id_token: await provider().signingKey.sign({ ...claimsOf(body.id_token as string), aud: 'another-app' }) }
        : body,
    )
    const error = (await tab.auth.refresh().catch((caught: unknown) => caught)) as Error
    expect(error.cause).toMatchObject({ name: 'IdTokenError', check: 'aud' })
    expect(tab.auth.getState().status).toBe('unauthenticated')
  })
})

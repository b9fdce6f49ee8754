// The same provider, called from a real page in Chromium on another origin, as a single-page app would: the default
// wire format passes the provider's CORS (no credentials in storage mode), refreshes, and revokes on logout.
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { launchChromium } from '@tokenlife/test-utils/chromium'
import type * as Tokenlife from '@tokenlife/core'
import type { AuthClient } from '@tokenlife/core'
import type { Browser, Page } from 'playwright'
import { pageBundle } from './pageBundle'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ACCESS_TOKEN_TTL, CLIENT_ID, startProvider, type CodeTokens, type RunningProvider } from '@tokenlife/example-oidc-provider'

let op: RunningProvider
let site: Server
let appOrigin: string
let browser: Browser

/** The built @tokenlife/core bundled for a page (`window.tokenlife`), served with a blank page on its own origin. */
beforeAll(async () => {
  const script = await pageBundle("export * from '@tokenlife/core'")
  site = createServer((request, response) => {
    if (request.url === '/tokenlife.js') {
      response.writeHead(200, { 'content-type': 'text/javascript' }).end(script)
    } else {
      response.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><script src="/tokenlife.js"></script><p>app</p>')
    }
  })
  await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve))
  appOrigin = `http://127.0.0.1:${(site.address() as AddressInfo).port}`
  op = await startProvider({ appOrigins: [appOrigin] })
  browser = await launchChromium()
}, 30_000)

afterAll(async () => {
  await browser?.close()
  await op?.close()
  site?.closeAllConnections()
  await new Promise((resolve) => site?.close(resolve))
})

/** A fresh page of the app, with tokenlife created as an app would: endpoints, oauthClientId, storage mode. */
async function openApp(tokens: CodeTokens, overrideCredentials?: RequestCredentials): Promise<Page> {
  const page = await browser.newPage()
  await page.goto(appOrigin)
  await page.evaluate(
    ({ tokenEndpoint, revocationEndpoint, clientId, tokens, overrideCredentials }) => {
      const { createAuthClient, oauthWireFormat } = (window as unknown as { tokenlife: typeof Tokenlife }).tokenlife
      const events: string[] = []
      const auth = createAuthClient({
        refreshUrl: tokenEndpoint,
        logoutUrl: revocationEndpoint,
        oauthClientId: clientId,
        refreshToken: 'storage',
        // Only the negative control changes anything: what a credentialed request would meet.
        ...(overrideCredentials
          ? {
              wireFormat: {
                buildRefreshRequest: (context) => {
                  const request = oauthWireFormat.buildRefreshRequest(context)
                  return { url: request.url, init: { ...request.init, credentials: overrideCredentials } }
                },
              },
            }
          : {}),
      })
      auth.onEvent((event) => events.push(event.type))
      auth.setTokens({ accessToken: tokens.access_token, refreshToken: tokens.refresh_token, expiresIn: tokens.expires_in })
      Object.assign(window, { auth, events })
    },
    { tokenEndpoint: op.tokenEndpoint, revocationEndpoint: op.revocationEndpoint, clientId: CLIENT_ID, tokens, overrideCredentials },
  )
  return page
}

describe('in Chromium, from another origin', () => {
  it('refreshes (explicitly and on schedule) and logout() revokes at the provider, with the default wire format', async () => {
    const first = await op.signIn('ada')
    const page = await openApp(first)
    const refreshed = await page.evaluate(async () => {
      const { auth } = window as unknown as { auth: AuthClient }
      const state = await auth.refresh()
      return { status: state.status, accessToken: state.accessToken }
    })
    expect(refreshed.status).toBe('authenticated')
    expect(refreshed.accessToken).not.toBe(first.access_token)

    // A scheduled, silent refresh follows on its own.
    await page.waitForFunction(
      () => (window as unknown as { events: string[] }).events.filter((type) => type === 'refresh-succeeded').length >= 2,
      undefined,
      { timeout: 3 * ACCESS_TOKEN_TTL * 1000 },
    )
    expect(op.log.refreshSuccesses).toBeGreaterThanOrEqual(2)

    const { events, refreshToken } = await page.evaluate(async () => {
      const { auth, events } = window as unknown as { auth: AuthClient; events: string[] }
      const stored = await new Promise<string | undefined>((resolve) => {
        // The refresh token as tokenlife stored it (IndexedDB, the default), to check it at the provider afterwards.
        const open = indexedDB.open('tokenlife')
        open.onsuccess = () => {
          const read = open.result.transaction('session').objectStore('session').get('tokenlife:default:refresh_token')
          read.onsuccess = () => resolve(read.result as string | undefined)
        }
      })
      await auth.logout()
      return { events, refreshToken: stored }
    })
    expect(refreshToken).toBeDefined()
    expect(events).not.toContain('revocation-failed')
    expect(events).not.toContain('refresh-failed')
    expect(await op.isRefreshTokenActive(refreshToken!)).toBe(false)
    await page.close()
  })

  it("control: the same refresh with credentials: 'include' is blocked by the provider's CORS", async () => {
    const first = await op.signIn('ada')
    const page = await openApp(first, 'include')
    const outcome = await page.evaluate(async () => {
      const { auth } = window as unknown as { auth: AuthClient }
      return auth.refresh().then(
        () => 'refreshed',
        (error: { name?: string }) => error.name,
      )
    })
    expect(outcome).toBe('NetworkError')
    await page.close()
  })
})

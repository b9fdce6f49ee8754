import { createServer, type Server } from 'node:http'
import type * as tokenlife from '../src/index'
import type { AddressInfo } from 'node:net'
import type { Browser, BrowserContext, Page } from 'playwright'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchChromium, openTabs, startTabsServer } from './tabsHarness.mjs'

declare global {
  interface Window {
    tokenlife: typeof tokenlife
  }
}

// docs/security.md promises that the unit of trust is the origin: a path-prefix entry in allowedOrigins narrows
// which URLs tokenlife attaches the token to, but a server on that origin that redirects within it receives the
// token on the redirected request too (fetch keeps Authorization on same-origin redirects). On a cross-origin
// redirect the browser drops it. This file checks that the docs say what Chromium does, against real HTTP servers:
// a "CDN" and an "evil" origin, each a loopback port of its own (another port is another origin).

let server: Awaited<ReturnType<typeof startTabsServer>>
let browser: Browser
let context: BrowserContext
let page: Page
let CDN: string
let EVIL: string
const seen: { url: string; authorization: string | undefined }[] = []
const listeners: Server[] = []

/** A loopback origin that records every request and answers `?to=…` with a 302 there (CORS open). */
async function startOrigin(): Promise<string> {
  const listener = createServer((request, response) => {
    const origin = `http://127.0.0.1:${(listener.address() as AddressInfo).port}`
    const cors = {
      'Access-Control-Allow-Origin': request.headers.origin ?? '*',
      'Access-Control-Allow-Headers': 'authorization',
      'Access-Control-Allow-Methods': 'GET',
    }
    if (request.method === 'OPTIONS') return response.writeHead(204, cors).end()
    const url = new URL(request.url ?? '/', origin)
    seen.push({ url: url.href, authorization: request.headers.authorization })
    const to = url.searchParams.get('to')
    if (to) return response.writeHead(302, { ...cors, Location: to }).end()
    response.writeHead(200, { ...cors, 'Content-Type': 'application/json' }).end('{}')
  })
  listeners.push(listener)
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve))
  return `http://127.0.0.1:${(listener.address() as AddressInfo).port}`
}

beforeAll(async () => {
  server = await startTabsServer({ lifetimeSeconds: 60 })
  CDN = await startOrigin()
  EVIL = await startOrigin()
  browser = await launchChromium()
  context = await browser.newContext()
  ;[page] = await openTabs(context, server.origin, 1)
  await page.evaluate((cdn) => {
    const auth = window.tokenlife.createAuthClient({
      refreshUrl: '/auth/refresh',
      namespace: 'redirects',
      allowedOrigins: [`${cdn}/private/`],
    })
    auth.setTokens({ accessToken: 'opaque-access-token', expiresIn: 3_600 })
    ;(window as unknown as { prefixed: typeof fetch }).prefixed = window.tokenlife.createAuthFetch(auth)
  }, CDN)
}, 60_000)
afterAll(async () => {
  await context?.close()
  await browser?.close()
  await server?.close()
  await Promise.all(listeners.map((listener) => new Promise((resolve) => listener.close(resolve))))
})

const fetchThrough = (url: string) =>
  page.evaluate(async (target) => {
    const prefixedFetch = (window as unknown as { prefixed: typeof fetch }).prefixed
    const response = await prefixedFetch(target)
    return response.status
  }, url)

describe('path prefixes are a convenience, the origin is the unit of trust (real Chromium)', () => {
  it('attaches the token under the prefix only', async () => {
    seen.length = 0
    expect(await fetchThrough(`${CDN}/private/a`)).toBe(200)
    expect(await fetchThrough(`${CDN}/public/a`)).toBe(200)
    expect(await fetchThrough(`${CDN}/private/..%2fpublic/a`)).toBe(200)
    expect(seen.map((request) => [new URL(request.url).pathname, request.authorization])).toEqual([
      ['/private/a', 'Bearer opaque-access-token'],
      ['/public/a', undefined],
      ['/private/..%2fpublic/a', undefined],
    ])
  })

  it('a same-origin redirect out of the prefix keeps the token (as documented), a cross-origin one drops it', async () => {
    seen.length = 0
    expect(await fetchThrough(`${CDN}/private/r?to=${encodeURIComponent(`${CDN}/public/b`)}`)).toBe(200)
    expect(await fetchThrough(`${CDN}/private/r?to=${encodeURIComponent(`${EVIL}/c`)}`)).toBe(200)
    expect(seen.map((request) => [new URL(request.url).origin + new URL(request.url).pathname, request.authorization])).toEqual([
      [`${CDN}/private/r`, 'Bearer opaque-access-token'],
      [`${CDN}/public/b`, 'Bearer opaque-access-token'],
      [`${CDN}/private/r`, 'Bearer opaque-access-token'],
      [`${EVIL}/c`, undefined],
    ])
  })
})

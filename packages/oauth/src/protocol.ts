import { NetworkError, ServerError, type AuthClient } from '@tokenlife/core'
import type * as OAuth from 'oauth4webapi'
import type { OAuthEnvironment } from './environment'

/** oauth4webapi, the module that does every protocol check. */
export type Protocol = typeof OAuth

let loading: Promise<Protocol> | undefined

/**
 * Loads oauth4webapi on first use (sign-in, callback, a refreshed ID token, userinfo), so an app's first page load
 * does not carry it. A chunk that failed to load (a deploy, a blip) is loaded again next time.
 */
export function loadProtocol(): Promise<Protocol> {
  loading ??= import('oauth4webapi').catch((error: unknown) => {
    loading = undefined
    throw error
  })
  return loading
}

/** Whether `url` is on this device (plain HTTP is allowed there: a local provider in development and tests). */
export function isLoopback(url: string): boolean {
  const { hostname } = new URL(url)
  return hostname === 'localhost' || hostname === '[::1]' || /^127(?:\.\d{1,3}){3}$/.test(hostname)
}

/**
 * The options every oauth4webapi request gets: the environment's `fetch`, with a response that means "try again
 * later" (5xx, 429) or no response at all turned into the core's transient errors, so a caller can tell an outage
 * from a refusal; and plain HTTP only for a loopback issuer. With `auth` (a client with DPoP), every answer's
 * `DPoP-Nonce` is handed to the session, so its refreshes (in every tab) sign with the provider's nonce at once.
 */
export function requestOptions(o: Protocol, env: OAuthEnvironment, issuer: string, auth?: Pick<AuthClient, 'dpop'>): OAuth.HttpRequestOptions<'GET' | 'POST', unknown> {
  return {
    [o.customFetch]: async (url: string, init: RequestInit) => {
      let response: Response
      try {
        response = await env.fetch(url, init)
      } catch (error) {
        throw new NetworkError(url, { cause: error })
      }
      auth?.dpop?.learnNonce(url, response).catch(() => {})
      if (response.status >= 500 || response.status === 429) throw new ServerError(url, response.status)
      return response
    },
    ...(isLoopback(issuer) ? { [o.allowInsecureRequests]: true } : {}),
  } as OAuth.HttpRequestOptions<'GET' | 'POST', unknown>
}

/**
 * The client as oauth4webapi sees it, with the device clock corrected by the `Date` header of `response` (the answer
 * the token came in, from the same TLS endpoint): a device clock that is hours off still validates `exp`.
 */
export function clientFor(o: Protocol, clientId: string, response?: Response): OAuth.Client {
  // oauth4webapi reads Date.now(): the skew is against that clock.
  const serverNow = Date.parse(response?.headers.get('date') ?? '')
  const skew = Number.isNaN(serverNow) ? 0 : Math.round((serverNow - Date.now()) / 1000)
  return { client_id: clientId, [o.clockSkew]: skew }
}

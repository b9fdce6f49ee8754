import { invalid } from '../diagnostics/diagnostic'
import { abortable } from '../abortable'
import type { AuthHost } from './authHost'
import { SessionEndedError } from '../errors'
import { parseChallenge } from '../wwwAuthenticate'

/** Options of the HTTP helpers: {@link createAuthFetch}, and `createAuthHttp` and `authHooks` from `@tokenlife/core/ky`. */
export interface AuthHttpOptions {
  /**
   * Which 401 responses (to a request that carried the access token) refresh the token and retry once:
   *
   * - `'any-401'` (default): every 401, unless its `WWW-Authenticate: Bearer` challenge names an error other than
   *   `invalid_token` (e.g. `insufficient_scope`, `invalid_request`): a new token would not change the answer.
   * - `'invalid-token'`: only a 401 whose challenge says `error="invalid_token"` (RFC 6750 §3.1). For APIs that
   *   send proper challenges and also answer 401 for reasons a refresh cannot fix.
   *
   * Other statuses (a 403 for insufficient scope included) never refresh.
   */
  refreshOn?: 'any-401' | 'invalid-token'
}

/** What both adapters (ky hooks and the fetch wrapper) ask before and after a request. */
export interface RequestAuthorizer {
  /** Whether a request to `url` may carry the access token. */
  allows(url: string | URL): boolean
  /**
   * The token to attach: waits while the client is initializing and refreshes first when the token is about to
   * expire (sharing the client's single flight). `undefined` when there is no session: the request goes out
   * without it. Rejects with the refresh's error ({@link SessionEndedError} when it ended the session) or with
   * `signal`'s reason.
   */
  tokenFor(signal?: AbortSignal | null): Promise<string | undefined>
  /**
   * The headers that carry `token` on a request with `method` to `url`: `Authorization: Bearer …`, or with DPoP
   * (`auth.dpop`) `Authorization: DPoP …` and a `DPoP` proof signed for this request. Rejects when it cannot be signed
   * (never a bearer token instead).
   */
  credentials(token: string, request: { method: string; url: string }): Promise<[string, string][]>
  /**
   * DPoP: remembers the server's nonce from `response` (every tab's next proofs use it); `true` when `response` asked
   * for one and gave it: send once more with a new proof (same token, no refresh).
   */
  wantsNonceRetry(url: string, response: Response): Promise<boolean>
  /** Whether `response` asks for a refresh and one retry (see {@link AuthHttpOptions.refreshOn}). */
  wantsRetry(response: Response): boolean
  /** Whether `token` was attached by this authorizer (rather than set on the request by the caller). */
  attached(token: string): boolean
  /**
   * The token to retry with after the server refused `sentToken`: when `sentToken` is still the current token,
   * one forced refresh shared by every caller (the client's single flight); when another refresh has replaced it
   * already, the current token, without refreshing again. Rejects with {@link SessionEndedError} when there is no
   * session any more (or the refresh ended it), with a transient refresh error, or with `signal`'s reason.
   */
  tokenAfterRejection(sentToken: string, signal?: AbortSignal | null): Promise<string>
}

/** How many recently attached tokens are remembered, to tell them from tokens the caller set itself. */
const rememberedTokens = 4

/** Reads the token of an `Authorization: Bearer …` (or, with DPoP, `Authorization: DPoP …`) header value. */
export function bearerToken(header: string | null): string | undefined {
  const scheme = /^(bearer|dpop) /i.exec(header ?? '')?.[0]
  return (scheme && header!.slice(scheme.length).trim()) || undefined
}

function checkOptions(options: AuthHttpOptions): Required<AuthHttpOptions> {
  const refreshOn = options?.refreshOn ?? 'any-401'
  if (process.env.NODE_ENV !== 'production') {
    if (typeof options !== 'object' || options === null) invalid('TL401')
    if (refreshOn !== 'any-401' && refreshOn !== 'invalid-token') invalid('TL402', 'refreshOn', [refreshOn])
  }
  return { refreshOn }
}

/**
 * The logic both HTTP adapters share: which requests get the token, which token, and what a 401 means. Built once
 * per adapter; the single flight that de-duplicates refreshes lives in the client, so any number of adapters (and
 * tabs) still refresh once.
 *
 * @throws TypeError when an option, or an `allowedOrigins` entry of the client, is invalid.
 */
export function createRequestAuthorizer(auth: AuthHost, options: AuthHttpOptions = {}): RequestAuthorizer {
  const { refreshOn } = checkOptions(options)
  const recent: string[] = []
  const remember = (token: string): string => {
    if (recent[0] !== token) {
      recent.unshift(token)
      recent.length = Math.min(recent.length, rememberedTokens)
    }
    return token
  }
  const currentToken = async (signal: AbortSignal | undefined) => remember(await auth.getAccessToken({ signal }))

  return {
    allows: (url) => auth.allows(url),

    async tokenFor(signal) {
      let state = auth.getState()
      if (state.status === 'initializing') {
        await abortable(auth.start(), signal ?? undefined)
        state = auth.getState()
      }
      if (state.status === 'unauthenticated') return undefined
      return currentToken(signal ?? undefined)
    },

    credentials: async (token, request) =>
      auth.dpop
        ? [
            ['Authorization', `DPoP ${token}`],
            ['DPoP', await auth.dpop.proof({ ...request, accessToken: token })],
          ]
        : [['Authorization', `Bearer ${token}`]],

    wantsNonceRetry: async (url, response) => (await auth.dpop?.learnNonce(url, response)) ?? false,

    wantsRetry(response) {
      if (response.status !== 401) return false
      const header = response.headers.get('WWW-Authenticate')
      const error = (parseChallenge(header, 'bearer') ?? parseChallenge(header, 'dpop'))?.error
      return error === 'invalid_token' || (refreshOn === 'any-401' && error === undefined)
    },

    attached: (token) => recent.includes(token),

    async tokenAfterRejection(sentToken, signal) {
      const state = auth.getState()
      if (state.status === 'unauthenticated') throw new SessionEndedError(state.reason)
      // Another refresh replaced the token while this request was out: retry with the new one, no new refresh.
      if (state.status === 'authenticated' && state.accessToken !== sentToken) return currentToken(signal ?? undefined)
      const next = await auth.refresh({ signal: signal ?? undefined })
      return remember(next.accessToken)
    },
  }
}

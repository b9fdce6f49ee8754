// A wire format may build its requests later (an endpoint looked up by discovery, a proof signed with Web Crypto):
// the request goes where the built request says, errors name that URL, and a build that fails sends nothing.
import { runFor } from '@tokenlife/test-utils'
import { describe, expect, it } from 'vitest'
import { NetworkError } from '../errors'
import { oauthWireFormat, type RefreshRequestContext } from '../wireFormat'
import { setup } from './setup'

/** A wire format that learns the real endpoints only after a (fake) lookup: the configured URLs are stand-ins. */
function lateEndpoints(lookup: () => Promise<{ token: string; revocation: string }>) {
  return {
    buildRefreshRequest: async (context: RefreshRequestContext) =>
      oauthWireFormat.buildRefreshRequest({ ...context, url: (await lookup()).token }),
    buildLogoutRequest: async (context: Parameters<typeof oauthWireFormat.buildLogoutRequest>[0]) =>
      oauthWireFormat.buildLogoutRequest({ ...context, url: (await lookup()).revocation }),
  }
}

const endpoints = { token: 'https://auth.test/auth/refresh', revocation: 'https://auth.test/auth/logout' }

describe('a wire format that builds its requests later', () => {
  it('refreshes and revokes at the URLs it resolves to, not at the configured stand-ins', async () => {
    const { env, server, auth, events } = setup({
      refreshUrl: 'https://stand-in.test/token',
      logoutUrl: 'https://stand-in.test/revoke',
      refreshToken: 'storage',
      wireFormat: lateEndpoints(async () => endpoints),
    })
    const { accessToken, refreshToken } = server.issueSession()
    auth.setTokens({ accessToken, refreshToken })
    const refreshed = auth.refresh()
    await runFor(env, 1_000)
    expect((await refreshed).accessToken).not.toBe(accessToken)
    expect(server.stats.refreshRequests).toBe(1)
    await auth.logout()
    expect(server.stats.logouts).toHaveLength(1)
    expect(events.map((event) => event.type)).not.toContain('revocation-failed')
    auth.destroy()
  })

  it('a refresh that times out names the URL it went to', async () => {
    const { env, server, auth } = setup({
      refreshUrl: 'https://stand-in.test/token',
      refreshToken: 'storage',
      wireFormat: lateEndpoints(async () => endpoints),
    })
    const { accessToken, refreshToken } = server.issueSession()
    auth.setTokens({ accessToken, refreshToken })
    server.respondNextRefresh(() => new Promise<Response>(() => {}))
    const refreshed = auth.refresh().catch((error: unknown) => error)
    await runFor(env, 15_000)
    const error = await refreshed
    expect(error).toBeInstanceOf(NetworkError)
    expect((error as NetworkError).url).toBe(endpoints.token)
    auth.destroy()
  })

  it('a build that fails sends nothing, keeps the session and retries (a transient error)', async () => {
    let reachable = false
    const { env, server, auth } = setup({
      refreshUrl: 'https://stand-in.test/token',
      refreshToken: 'storage',
      wireFormat: lateEndpoints(async () => {
        if (!reachable) throw new NetworkError('https://auth.test/.well-known/openid-configuration')
        return endpoints
      }),
    })
    const { accessToken, refreshToken } = server.issueSession()
    auth.setTokens({ accessToken, refreshToken })
    const failed = auth.refresh().catch((error: unknown) => error)
    await runFor(env, 100)
    expect(await failed).toBeInstanceOf(NetworkError)
    expect(server.stats.refreshRequests).toBe(0)
    expect(auth.getState()).toMatchObject({ status: 'authenticated', accessToken })
    reachable = true
    await runFor(env, 60_000)
    expect(server.stats.refreshRequests).toBeGreaterThan(0)
    expect(auth.getState().status).toBe('authenticated')
    expect(auth.getState().accessToken).not.toBe(accessToken)
    auth.destroy()
  })

  it('a logout whose revocation request cannot be built still ends the session, and says the revocation failed', async () => {
    const { server, auth, events } = setup({
      refreshToken: 'storage',
      wireFormat: {
        buildLogoutRequest: async () => {
          throw new Error('the provider has no revocation endpoint')
        },
      },
    })
    const { accessToken, refreshToken } = server.issueSession()
    auth.setTokens({ accessToken, refreshToken })
    await auth.logout()
    expect(auth.getState()).toEqual({ status: 'unauthenticated', reason: 'logout' })
    expect(events).toContainEqual({ type: 'revocation-failed', error: new Error('the provider has no revocation endpoint') })
    auth.destroy()
  })
})

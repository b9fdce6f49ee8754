// Outside a browser there are no tabs: clients in one Node process (server-side rendering for many users, tests, a
// CLI) must never share sessions, although Node 20 has a native BroadcastChannel.
import { createFakeAuthServer, mintAccessToken } from '@tokenlife/test-utils'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createAuthClient, type AuthClient, type AuthClientOptions, type ChannelPort } from '../index'
import { memoryStorage } from '../storage/memoryStorage'
import { mswServer } from './setup'

const server = createFakeAuthServer({ now: () => Date.now() })
const clients: AuthClient[] = []

/** A client with the default (browser) environment, as an app on a server would create it. */
function client(options: Partial<AuthClientOptions> = {}): AuthClient {
  mswServer.use(...server.handlers)
  const auth = createAuthClient({
    refreshUrl: `${server.origin}/auth/refresh`,
    logoutUrl: `${server.origin}/auth/logout`,
    refreshToken: 'storage',
    storage: memoryStorage(),
    timing: { tabQueryTimeoutMs: 50 },
    ...options,
  })
  clients.push(auth)
  return auth
}

/** The session of one user, as a login would give it. */
function session() {
  const { refreshToken } = server.issueSession()
  return { accessToken: mintAccessToken(Date.now(), 600, { sub: `user-${refreshToken}` }), refreshToken }
}

/** Node's native BroadcastChannel as a ChannelPort: what an app passes on purpose to connect clients. */
const nativeChannel = (name: string): ChannelPort => {
  const channel = new BroadcastChannel(name)
  return {
    postMessage: (message) => channel.postMessage(message),
    subscribe: (listener) => {
      const onMessage = (event: Event) => listener((event as MessageEvent).data)
      channel.addEventListener('message', onMessage)
      return () => channel.removeEventListener('message', onMessage)
    },
    close: () => channel.close(),
  }
}


afterEach(() => {
  for (const auth of clients.splice(0)) auth.destroy()
})

describe('two clients with the same namespace in one Node process', () => {
  it('a new client does not adopt the session of another (no sibling to ask)', async () => {
    const first = client()
    first.setTokens(session())
    const second = client()
    await second.start()
    expect(second.getState()).toEqual({ status: 'unauthenticated', reason: 'no_session' })
  })

  it("neither adopts the other's new tokens, nor ends with the other's logout: nothing is ever posted to a channel", async () => {
    // Node's native BroadcastChannel is the only way two default clients could hear each other.
    const posted = vi.spyOn(BroadcastChannel.prototype, 'postMessage')
    const opened = vi.fn()
    const Native = globalThis.BroadcastChannel
    vi.stubGlobal(
      'BroadcastChannel',
      class extends Native {
        constructor(name: string) {
          super(name)
          opened(name)
        }
      },
    )
    try {
      const first = client()
      const second = client()
      const secondSession = session()
      first.setTokens(session())
      second.setTokens(secondSession)
      first.setTokens(session()) // a newer token for the first user: siblings would adopt it
      await first.logout()
      expect(second.getState()).toMatchObject({ status: 'authenticated', accessToken: secondSession.accessToken })
      expect(opened).not.toHaveBeenCalled()
      expect(posted).not.toHaveBeenCalled()
    } finally {
      vi.unstubAllGlobals()
      posted.mockRestore()
    }
  })

  it('an app that passes its own openChannel connects them on purpose (the checks above can see sharing)', async () => {
    // The second client waits for an answer as long as it takes (the answer ends the wait), however loaded the machine.
    const connected = { environment: { openChannel: nativeChannel }, timing: { tabQueryTimeoutMs: 30_000 } }
    const first = client(connected)
    const shared = session()
    first.setTokens(shared)
    const second = client(connected)
    await second.start()
    expect(second.getState()).toMatchObject({ status: 'authenticated', accessToken: shared.accessToken })
  })
})

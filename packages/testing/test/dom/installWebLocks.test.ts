import { createAuthClient } from '@tokenlife/core'
import { setupServer } from 'msw/node'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { installWebLocks, tokenlifeHandlers } from '../../src/index'

const auth = tokenlifeHandlers()
const server = setupServer(...auth)
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
afterAll(() => server.close())

describe("installWebLocks(): an app's own client in a test DOM", () => {
  it('gives the DOM navigator.locks, which the client refreshes under; and takes it away again', async () => {
    type WithLocks = { locks: { query(): Promise<{ held: { name: string }[] }> } | null | undefined }
    expect((navigator as unknown as WithLocks).locks ?? undefined).toBeUndefined() // jsdom has none, happy-dom a null
    const uninstall = installWebLocks()
    const locks = (navigator as unknown as WithLocks).locks
    if (!locks) throw new Error('navigator.locks was not installed')
    const client = createAuthClient({ refreshUrl: '/auth/refresh', loginUrl: '/auth/login', logoutUrl: '/auth/logout', namespace: 'weblocks-test' })
    try {
      await client.login({ email: 'ada@example.com', password: 'correct-horse' })
      const held = auth.holdNextRefresh()
      const refreshed = client.refresh()
      await held.arrived
      expect((await locks.query()).held.map((lock) => lock.name)).toContain('tokenlife:weblocks-test:refresh')
      held.release()
      await refreshed
      expect(auth.count('refresh', 'rotated')).toBe(1)
    } finally {
      client.destroy()
      uninstall()
    }
    expect((navigator as unknown as WithLocks).locks ?? undefined).toBeUndefined()
  })
})

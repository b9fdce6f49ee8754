import { flush } from '@tokenlife/test-utils'
import { describe, expect, it } from 'vitest'
import { setup } from './setup'

describe('smoke', () => {
  it('starts from a cookie session, refreshes on time', async () => {
    const { env, server, auth } = setup()
    server.issueSession()
    await auth.start()
    expect(auth.getState().status).toBe('authenticated')
    expect(server.stats.refreshRequests).toBe(1)
    env.advance(50_000)
    await flush()
    expect(server.stats.refreshRequests).toBe(2)
  })
})

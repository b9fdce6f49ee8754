import { flush } from '@tokenlife/test-utils'
import { HttpResponse } from 'msw'
import { describe, expect, it } from 'vitest'
import { isServerError, isSessionEndedError } from '../errors'
import { setup } from './setup'

/** 25 getAccessToken() and 25 refresh() calls, interleaved, all started before any answer arrives. */
const fiftyCallers = (auth: ReturnType<typeof setup>['auth']) =>
  Array.from({ length: 50 }, (_, i) =>
    i % 2 === 0 ? auth.getAccessToken() : auth.refresh().then((state) => state.accessToken),
  )

describe('single flight', () => {
  it('50 concurrent getAccessToken() calls while starting make one refresh request and share its token', async () => {
    const { server, auth } = setup()
    server.issueSession()
    const tokens = await Promise.all(Array.from({ length: 50 }, () => auth.getAccessToken()))
    expect(server.stats.refreshRequests).toBe(1)
    expect(new Set(tokens)).toEqual(new Set([server.stats.issued.at(-1)]))
  })

  it('50 concurrent getAccessToken()/refresh() calls with an expired token make one request; all get its result', async () => {
    const { env, server, auth } = setup()
    server.issueSession()
    await auth.start()
    env.sleep(120_000)
    const tokens = await Promise.all(fiftyCallers(auth))
    expect(server.stats.refreshRequests).toBe(2)
    expect(new Set(tokens)).toEqual(new Set([server.stats.issued.at(-1)]))
    expect(server.stats.reuseDetected).toBe(0)
  })

  it('when the one request fails, all 50 callers get its error', async () => {
    const { env, server, auth } = setup()
    server.issueSession()
    await auth.start()
    env.sleep(120_000)
    server.respondNextRefresh(() => new HttpResponse('busy', { status: 503 }))
    const results = await Promise.allSettled(fiftyCallers(auth))
    expect(server.stats.refreshRequests).toBe(2)
    const errors = new Set(results.map((result) => (result.status === 'rejected' ? result.reason : 'fulfilled')))
    expect(errors.size).toBe(1)
    const [error] = errors
    expect(isServerError(error)).toBe(true)
    expect(error).toBe(auth.getState().error)
  })

  it('when the session is refused, all callers get the same SessionEndedError', async () => {
    const { env, server, auth } = setup()
    server.issueSession()
    await auth.start()
    env.sleep(120_000)
    server.revokeAll()
    const results = await Promise.allSettled(fiftyCallers(auth))
    expect(server.stats.refreshRequests).toBe(2)
    const reasons = new Set(results.map((result) => (result.status === 'rejected' ? result.reason : 'fulfilled')))
    expect(reasons.size).toBe(1)
    const [error] = reasons
    expect(isSessionEndedError(error) && error.reason).toBe('revoked')
  })

  it('a scheduled refresh and callers share one request', async () => {
    const { env, server, auth } = setup()
    server.issueSession()
    await auth.start()
    env.advance(45_000) // the scheduled refresh starts
    const state = await auth.refresh()
    expect(server.stats.refreshRequests).toBe(2)
    expect(state.accessToken).toBe(server.stats.issued.at(-1))
  })

  it('once a refresh has settled, the next refresh() makes a new request', async () => {
    const { server, auth } = setup()
    server.issueSession()
    await auth.start()
    await auth.refresh()
    await auth.refresh()
    expect(server.stats.refreshRequests).toBe(3)
    expect(server.stats.reuseDetected).toBe(0)
  })

  it("a caller's abort signal stops only that caller's wait, not the shared refresh", async () => {
    const { server, auth } = setup()
    server.issueSession()
    await auth.start()
    let release!: () => void
    const gate = new Promise<void>((resolve) => (release = resolve))
    server.respondNextRefresh(async (_request, proceed) => {
      await gate
      return proceed()
    })
    const controller = new AbortController()
    const impatient = auth.refresh({ signal: controller.signal })
    const patient = auth.getAccessToken().catch(() => 'should not reject')
    const refreshing = auth.refresh()
    await flush()
    controller.abort(new Error('navigated away'))
    await expect(impatient).rejects.toThrow('navigated away')
    release()
    expect((await refreshing).accessToken).toBe(server.stats.issued.at(-1))
    expect(server.stats.refreshRequests).toBe(2)
    // getAccessToken() had a valid token and did not wait at all.
    expect(await patient).toBe(server.stats.issued.at(-2))
  })
})

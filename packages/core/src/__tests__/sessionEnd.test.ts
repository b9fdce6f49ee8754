import { mintAccessToken, runFor, settle, type FakeEnvironment } from '@tokenlife/test-utils'
import { describe, expect, it } from 'vitest'
import { oauthWireFormat, type AuthEvent } from '../index'
import { memoryStorage } from '../storage/memoryStorage'
import { setup } from './setup'
import { createBrowser } from './tabs'

const minute = 60_000
const day = 24 * 60 * minute

/**
 * `fetch` through which every token response (login, refresh) also says `refresh_expires_in`: `endsAt` (device ms)
 * minus now, as a server with an absolute cap on the session would (to the millisecond, so the test can compare).
 */
const announcingEnd = (env: FakeEnvironment, endsAt: () => number): typeof fetch => async (input, init) => {
  const response = await globalThis.fetch(input, init)
  const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url
  if (!response.ok || !/\/auth\/(login|refresh)$/.test(url)) return response
  const body = (await response.json()) as Record<string, unknown>
  const headers = new Headers(response.headers)
  headers.delete('Content-Length')
  return new Response(JSON.stringify({ ...body, refresh_expires_in: (endsAt() - env.now()) / 1000 }), { status: 200, headers })
}

describe('refresh_expires_in', () => {
  it.each([
    [{ refresh_expires_in: 2_592_000 }, 2_592_000],
    [{ refresh_expires_in: '1800' }, 1_800],
    [{ refresh_expires_in: 0 }, undefined], // Keycloak: "no limit"
    [{ refresh_expires_in: -5 }, undefined],
    [{ refresh_expires_in: null }, undefined],
    [{ refresh_expires_in: 'soon' }, undefined],
    [{}, undefined],
  ])('the default wire format reads %j as %s (anything but a positive number is not said, never a failure)', (fields, expected) => {
    const parsed = oauthWireFormat.parseTokenResponse({ access_token: 'a', expires_in: 60, ...fields })
    expect(parsed.refreshExpiresIn).toBe(expected)
  })

  it('gives the state sessionEndsAt, on device time, renewed with every token; absent when the server does not say', async () => {
    let endsAt = Date.UTC(2026, 0, 1) + 30 * day
    const { env, server, auth } = setup({ environment: { fetch: (input, init) => fetchWithEnd(input, init) } })
    const fetchWithEnd = announcingEnd(env, () => endsAt)
    server.issueSession()
    await auth.start()
    expect(auth.getState()).toMatchObject({ status: 'authenticated', sessionEndsAt: endsAt })
    endsAt += day // a sliding session: the server moves its end
    await runFor(env, 40_000)
    expect(auth.getState().sessionEndsAt).toBe(endsAt)

    const plain = setup({ origin: 'https://plain.auth.test' })
    plain.server.issueSession()
    await plain.auth.start()
    expect(plain.auth.getState().status).toBe('authenticated')
    expect('sessionEndsAt' in plain.auth.getState()).toBe(false)
  })

  it('reaches a sibling tab with the token, and a reloaded page with the persisted one', async () => {
    const endsAt = Date.UTC(2026, 0, 1) + 7 * day
    const browser = createBrowser({ mode: 'cookie' })
    const fetchWithEnd = announcingEnd(browser.env, () => endsAt)
    const persisted = memoryStorage()
    const a = browser.openTab({ persistAccessToken: persisted, environment: { fetch: fetchWithEnd } })
    const b = browser.openTab()
    await settle(browser.env, a.auth.login({ username: 'u', password: 'secret' }))
    await settle(browser.env, b.auth.start())
    expect(b.auth.getState()).toMatchObject({ status: 'authenticated', sessionEndsAt: endsAt })
    a.auth.destroy()
    const reloaded = browser.openTab({ persistAccessToken: persisted })
    const events: AuthEvent[] = []
    reloaded.auth.onEvent((event) => events.push(event))
    await settle(browser.env, reloaded.auth.start())
    expect(events).toContainEqual(expect.objectContaining({ type: 'session-started', source: 'restore' }))
    expect(reloaded.auth.getState()).toMatchObject({ status: 'authenticated', sessionEndsAt: endsAt })
  })

  it('setTokens() takes refreshExpiresIn, and refuses one that is not a positive number', () => {
    const { env, auth } = setup()
    const accessToken = mintAccessToken(env.now(), 60)
    expect(auth.setTokens({ accessToken, refreshExpiresIn: 3_600 }).sessionEndsAt).toBe(env.now() + 3_600_000)
    for (const refreshExpiresIn of [0, -1, Number.NaN, '3600']) {
      expect(() => auth.setTokens({ accessToken, refreshExpiresIn } as never)).toThrow(/`refreshExpiresIn` must be a positive number of seconds/)
      expect(() => auth.setTokens({ accessToken, refreshExpiresIn } as never)).toThrow(expect.objectContaining({ code: 'TL157' }))
    }
  })
})

describe('the session-ending event', () => {
  /** A signed-in client whose server ends the session at `endsAt`; with `sessionEndWarningMs` as given. */
  async function ending(endsIn: number, options: { sessionEndWarningMs?: number } = {}) {
    const context = setup({ ...options, environment: { fetch: (input, init) => fetchWithEnd(input, init) } })
    const endsAt = context.env.now() + endsIn
    const fetchWithEnd = announcingEnd(context.env, () => endsAt)
    context.server.issueSession()
    await context.auth.start()
    const notices = () => context.events.filter((event): event is Extract<AuthEvent, { type: 'session-ending' }> => event.type === 'session-ending')
    return { ...context, endsAt, notices }
  }

  it('fires sessionEndWarningMs (5 minutes) before the end, once, while refreshes go on', async () => {
    const { env, endsAt, notices } = await ending(20 * minute)
    await runFor(env, 15 * minute - 1)
    expect(notices()).toEqual([])
    await runFor(env, 1)
    expect(notices()).toEqual([{ type: 'session-ending', sessionEndsAt: endsAt, remainingMs: 5 * minute }])
    await runFor(env, 4 * minute)
    expect(notices()).toHaveLength(1)
  })

  it('fires again for a later end when the server moves it, never for one that slides ahead', async () => {
    const context = setup({ environment: { fetch: (input, init) => fetchWithEnd(input, init) } })
    const start = context.env.now()
    let endsAt = (): number => context.env.now() + 10 * minute
    const fetchWithEnd = announcingEnd(context.env, () => endsAt())
    const notices = () => context.events.filter((event) => event.type === 'session-ending')
    context.server.issueSession()
    await context.auth.start()
    // Every refresh (each 48 s at most) moves the end 10 minutes on: it never comes within 5 minutes.
    await runFor(context.env, 30 * minute)
    expect(notices()).toEqual([])
    // Now a fixed end, 10 minutes on; then the server extends it by another 10 minutes.
    const fixed = context.env.now() + 10 * minute
    endsAt = () => fixed
    await runFor(context.env, 6 * minute)
    expect(notices()).toEqual([expect.objectContaining({ sessionEndsAt: fixed })])
    endsAt = () => fixed + 10 * minute
    await runFor(context.env, 10 * minute)
    expect(notices()).toEqual([expect.objectContaining({ sessionEndsAt: fixed }), expect.objectContaining({ sessionEndsAt: fixed + 10 * minute })])
    expect(context.env.now() - start).toBe(46 * minute)
  })

  it('is off with sessionEndWarningMs 0, and does not fire after the session ended', async () => {
    const off = await ending(10 * minute, { sessionEndWarningMs: 0 })
    await runFor(off.env, 20 * minute)
    expect(off.notices()).toEqual([])
    const ended = await ending(10 * minute)
    await ended.auth.logout()
    await runFor(ended.env, 20 * minute)
    expect(ended.notices()).toEqual([])
  })

  it('a device that wakes past the warning point hears it at once, with the time that is really left', async () => {
    const { env, endsAt, notices } = await ending(20 * minute)
    env.sleep(17 * minute)
    env.wake('visible')
    await settle(env, Promise.resolve())
    expect(notices()).toEqual([{ type: 'session-ending', sessionEndsAt: endsAt, remainingMs: expect.any(Number) }])
    expect(notices()[0]!.remainingMs).toBeLessThanOrEqual(3 * minute)
  })
})

describe('option sessionEndWarningMs', () => {
  it('refuses what is not a non-negative number', () => {
    for (const sessionEndWarningMs of [-1, Number.NaN, '300000']) {
      expect(() => setup({ sessionEndWarningMs } as never)).toThrow(/option `sessionEndWarningMs` must be a non-negative finite number/)
    }
  })
})


import { mintAccessToken, runFor } from '@tokenlife/test-utils'
import { describe, expect, it } from 'vitest'
import { estimateClockOffset } from '../serverClock'
import { expiryOf, setup } from './setup'

const device = Date.UTC(2026, 0, 1, 12, 0, 0, 250)
const hour = 3_600_000

describe('estimateClockOffset', () => {
  it('reads the Date header (truncated to the second: half a second is added)', () => {
    const server = device + 2 * hour
    const dateHeader = new Date(server).toUTCString()
    expect(estimateClockOffset({ receivedAt: device, dateHeader })).toBe(2 * hour - 250 + 500)
  })

  it("reads the token's iat (epoch seconds) when there is no Date header", () => {
    const issuedAt = Math.floor((device - 24 * hour) / 1000)
    expect(estimateClockOffset({ receivedAt: device, dateHeader: null, issuedAt })).toBe(-24 * hour - 250 + 500)
  })

  it('takes the later of the two clues: the server clock was at least there', () => {
    const dateHeader = new Date(device + 10_000).toUTCString()
    const issuedAt = Math.floor((device + 12_000) / 1000)
    expect(estimateClockOffset({ receivedAt: device, dateHeader, issuedAt })).toBe(12_000 - 250 + 500)
  })

  it('ignores an unreadable Date header and knows nothing without clues', () => {
    expect(estimateClockOffset({ receivedAt: device, dateHeader: 'yesterday-ish', issuedAt: device / 1000 })).toBe(500)
    expect(estimateClockOffset({ receivedAt: device, dateHeader: 'yesterday-ish' })).toBeUndefined()
    expect(estimateClockOffset({ receivedAt: device })).toBeUndefined()
  })
})

describe('expiry on the server clock (no expires_in)', () => {
  describe.each([
    ['24 h ahead', -24 * hour],
    ['24 h behind', 24 * hour],
    ['right', 0],
  ])('with the client clock %s', (_label, serverSkewMs) => {
    it.each([
      ['Date header and iat', true],
      ['iat alone', false],
    ])('refreshes on time from the %s and never hands out a token the server considers expired', async (_clues, dateHeader) => {
      const { env, server, auth } = setup({ expiresIn: false, dateHeader, serverSkewMs })
      const serverNow = () => env.now() + serverSkewMs
      server.issueSession()
      const startedAt = env.now()
      await auth.start()
      for (let elapsed = 0; elapsed < 10 * 60_000; elapsed += 10_000) {
        await runFor(env, 10_000)
        const token = await auth.getAccessToken()
        expect(expiryOf(token) - serverNow()).toBeGreaterThan(5_000)
      }
      // The page load's token begins a new phase (refreshed halfway through its window, 25.9 s in), then every 47.5 s
      // (a 60 s token: 12 s margin, 0.5 s for the second-truncated clock), no extra requests.
      expect(server.stats.refreshLog.map(({ at }) => at - serverSkewMs - startedAt)).toEqual([
        0,
        ...Array.from({ length: 13 }, (_, i) => 25_900 + i * 47_500),
      ])
    })
  })

  it('with expires_in, the client clock does not matter at all', async () => {
    const { env, server, auth } = setup({ serverSkewMs: 24 * hour })
    server.issueSession()
    const startedAt = env.now()
    await auth.start()
    await runFor(env, 60_000)
    expect(server.stats.refreshLog.map(({ at }) => Math.round(at - 24 * hour - startedAt))).toEqual([0, 26_400])
  })
})

describe('setTokens() on a device whose clock is off', () => {
  it.each([
    ['24 h ahead', -24 * hour],
    ['2 h behind', 2 * hour],
  ])('with the client clock %s, converts a JWT exp with the offset learnt from the server', async (_label, serverSkewMs) => {
    const { env, server, auth } = setup({ expiresIn: false, serverSkewMs })
    const serverNow = () => env.now() + serverSkewMs
    server.issueSession()
    await auth.start()
    // A change-password answer: a JWT issued now on the server's clock, 5 minutes long, without expires_in.
    const state = auth.setTokens({ accessToken: mintAccessToken(serverNow(), 300) })
    expect(Math.abs(state.expiresAt - (env.now() + 300_000))).toBeLessThan(1_500)
    await runFor(env, 60_000)
    expect(auth.getState().accessToken).toBe(state.accessToken)
  })
})

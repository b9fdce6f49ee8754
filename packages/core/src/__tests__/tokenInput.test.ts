import { FakeEnvironment, mintAccessToken } from '@tokenlife/test-utils'
import { describe, expect, it } from 'vitest'
import { createAuthClient } from '../index'
import { readTokenInput } from '../tokenInput'

describe('setTokens() input', () => {
  it.each([
    ['expiresIn: 0', { accessToken: 'opaque', expiresIn: 0 }, 'got 0'],
    ['a negative expiresIn', { accessToken: 'opaque', expiresIn: -60 }, 'got -60'],
    ['a string expiresIn', { accessToken: 'opaque', expiresIn: '60' }, 'got "60"'],
    ['NaN', { accessToken: 'opaque', expiresIn: Number.NaN }, 'got NaN'],
  ])('refuses %s with a TypeError naming `expiresIn`, the value and the fix', (_label, input, value) => {
    const read = () => readTokenInput(input as never, Date.UTC(2026, 0, 1), 0)
    expect(read).toThrow(TypeError)
    expect(read).toThrow(/^tokenlife: setTokens\(\): `expiresIn` must be a positive number of seconds/)
    expect(read).toThrow(value)
    expect(read).toThrow(/e\.g\. 300/)
  })

  it('refuses expiresIn: 0 through the client too, and adopts nothing', () => {
    const env = new FakeEnvironment()
    const auth = createAuthClient({ refreshUrl: 'https://auth.test/auth/refresh', environment: env })
    expect(() => auth.setTokens({ accessToken: mintAccessToken(env.now(), 60), expiresIn: 0 })).toThrow(TypeError)
    expect(auth.getState()).toEqual({ status: 'initializing' })
    auth.destroy()
  })

  it('never puts the access token itself in the message', () => {
    const secret = 'opaque-secret-token-value'
    expect(() => readTokenInput({ accessToken: secret, refreshToken: '' }, 0, 0)).toThrow(/`refreshToken`/)
    let message = ''
    try {
      readTokenInput({ accessToken: secret }, 0, 0)
    } catch (error) {
      message = (error as Error).message
    }
    expect(message).toMatch(/pass `expiresIn` in seconds/)
    expect(message).not.toContain(secret)
  })
})

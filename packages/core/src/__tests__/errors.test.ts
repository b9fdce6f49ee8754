import { describe, expect, it } from 'vitest'
import {
  InvalidResponseError,
  isInvalidResponseError,
  isLoginError,
  isNetworkError,
  isServerError,
  isSessionEndedError,
  isTokenlifeError,
  LoginError,
  NetworkError,
  ServerError,
  SessionEndedError,
  TokenlifeError,
} from '../index'

const cause = new TypeError('fetch failed')
const url = 'https://auth.test/auth/refresh'

const examples = [
  {
    error: new NetworkError(url, { cause, timedOut: true }),
    name: 'NetworkError',
    guard: isNetworkError,
    fields: { url, timedOut: true, transient: true },
  },
  {
    error: new ServerError(url, 503, { cause, retryAfterMs: 5_000 }),
    name: 'ServerError',
    guard: isServerError,
    fields: { url, status: 503, retryAfterMs: 5_000, transient: true },
  },
  {
    error: new InvalidResponseError(url, 'no access_token', { cause }),
    name: 'InvalidResponseError',
    guard: isInvalidResponseError,
    fields: { url, problem: 'no access_token', transient: true },
  },
  {
    error: new SessionEndedError('revoked', { cause, status: 400, error: 'invalid_grant' }),
    name: 'SessionEndedError',
    guard: isSessionEndedError,
    fields: { reason: 'revoked', status: 400, error: 'invalid_grant', transient: false },
  },
  {
    error: new LoginError(401, { cause, error: 'invalid_grant', description: 'wrong password' }),
    name: 'LoginError',
    guard: isLoginError,
    fields: { status: 401, error: 'invalid_grant', description: 'wrong password', transient: false },
  },
]

describe('errors', () => {
  it.each(examples)('$name is a TokenlifeError with a literal name, structured fields and a cause', ({ error, name, fields }) => {
    expect(error).toBeInstanceOf(TokenlifeError)
    expect(error).toBeInstanceOf(Error)
    expect(error.name).toBe(name)
    expect(error).toMatchObject(fields)
    expect(error.cause).toBe(cause)
    expect(error.message).not.toBe('')
    expect(String(error)).toMatch(new RegExp(`^${name}: `))
  })

  it.each(examples)('is$name and isTokenlifeError recognise it, and only it', ({ error, guard }) => {
    expect(guard(error)).toBe(true)
    expect(isTokenlifeError(error)).toBe(true)
    for (const other of examples) if (other.error !== error) expect(guard(other.error)).toBe(false)
  })

  it.each(examples)('is$name works across realms: a plain object with the right name and transient', ({ name, guard, fields }) => {
    const foreign = { name, message: 'from an iframe', transient: fields.transient }
    expect(guard(foreign)).toBe(true)
    expect(isTokenlifeError(foreign)).toBe(true)
  })

  it("rejects look-alikes: DOMException('…', 'NetworkError'), a plain Error named like ours, non-objects", () => {
    const domNetworkError = new DOMException('A network error occurred.', 'NetworkError')
    expect(isNetworkError(domNetworkError)).toBe(false)
    expect(isTokenlifeError(domNetworkError)).toBe(false)
    const named = Object.assign(new Error('x'), { name: 'ServerError' })
    expect(isServerError(named)).toBe(false)
    for (const value of [undefined, null, 'NetworkError', 42, { name: 'TypeError', transient: true }]) {
      expect(isTokenlifeError(value)).toBe(false)
      expect(isNetworkError(value)).toBe(false)
    }
  })

  it('a session that ended without a server response carries only its reason', () => {
    const error = new SessionEndedError('logout')
    expect(error).toMatchObject({ reason: 'logout', status: undefined, error: undefined })
    expect(error.cause).toBeUndefined()
    expect(error.message).toContain('logout')
  })
})

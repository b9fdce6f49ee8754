import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { codeTables } from '@tokenlife/test-utils/codeTables'
import { describe, expect, it } from 'vitest'
import { diagnostics } from '../diagnostics/codes'
import { codedError, diagnosticText, troubleshootingUrl } from '../diagnostics/diagnostic'
import {
  ConfigurationError,
  createAuthClient,
  diagnosticMessage,
  InvalidResponseError,
  LoginError,
  NetworkError,
  ServerError,
  SessionEndedError,
} from '../index'

const src = fileURLToPath(new URL('..', import.meta.url))

/** Every source file of the package but its tests and the diagnostics tables themselves. */
function sources(dir = src): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) return name === '__tests__' || name === '__soak__' || name === 'diagnostics' ? [] : sources(path)
    return name.endsWith('.ts') ? [path] : []
  })
}

const files = sources().map((path) => ({ path: relative(src, path), text: readFileSync(path, 'utf8') }))
const codes = Object.keys(diagnostics)

/**
 * Errors and warnings raised without a code, and why each is not one of tokenlife's own: they never reach the app
 * as they are (they are caught and become the cause of a coded error), or they stand in for the platform's errors.
 */
const uncoded: Record<string, RegExp> = {
  // decodeClaims: caught by readTokenInput (TL135) and readTokenResponse (TL207), which keep it as the cause.
  'tokens.ts': /throw new Error\('JWT payload is not an object'\)/,
  // The default parseTokenResponse: caught by readTokenResponse, its message becomes the problem of TL205.
  'wireFormat.ts': /throw new Error\('(body is not a JSON object|no access_token|expires_in is not a number)'\)/,
  // A non-Error thrown by a custom port or wire format, wrapped to be rethrown as it came.
  'refreshFlight.ts': /new Error\(String\(error\)\)/,
  // The election port mimics Web Locks: its AbortErrors are what navigator.locks rejects with.
  'electionLocks.ts': /abortError\(/,
}

describe('error codes', () => {
  it('every code is TL and three digits in a range @tokenlife/core owns (TL1xx–TL4xx), with every field written', () => {
    expect(codes.length).toBeGreaterThan(40)
    for (const [code, entry] of Object.entries(diagnostics)) {
      expect(code).toMatch(/^TL[1-4]\d\d$/)
      for (const field of ['raises', 'title', 'meaning', 'cause', 'fix'] as const) {
        expect(entry[field].trim().length, `${code}.${field}`).toBeGreaterThan(3)
      }
      expect(['error', 'warning']).toContain(entry.kind)
      expect(['kept', 'development only']).toContain(entry.production)
      expect(typeof entry.message).toBe('function')
    }
  })

  it('no code is defined in two of the tables (the spread in codes.ts would silently keep the last one)', () => {
    const { defined, twice } = codeTables(join(src, 'diagnostics'))
    expect(twice).toEqual([])
    expect(defined.sort()).toEqual([...codes].sort())
  })

  it('every code in the table is raised somewhere in the source, and every code the source names is in the table', () => {
    const named = new Set(files.flatMap(({ text }) => text.match(/'TL\d{3}'/g) ?? []).map((code) => code.slice(1, -1)))
    // SessionEndedError picks its code by reason; the table's every other code is named where it is raised.
    const errorsTs = files.find(({ path }) => path === 'errors.ts')!.text
    expect(errorsTs).toMatch(/'TL212'.*'TL213'.*'TL214'/)
    expect([...named].filter((code) => !codes.includes(code))).toEqual([])
    expect(codes.filter((code) => !named.has(code))).toEqual([])
  })

  it('every error the source throws and every warning it prints goes through a code', () => {
    const offenders: string[] = []
    for (const { path, text } of files) {
      text.split('\n').forEach((line, index) => {
        const raw = /throw new (Type)?Error\(|new (Type)?Error\(|\.warn\(`|\.warn\('|\.error\(`|console\.(warn|error)\(/.test(line)
        if (!raw || line.trim().startsWith('*') || line.trim().startsWith('//')) return
        if (uncoded[path]?.test(line)) return
        // The environment's default warn/error print what they are given (already coded) with a prefix.
        if (path === 'environment.ts' && /console\.(warn|error)\(`\[tokenlife\] \$\{message\}`\)/.test(line)) return
        // codedError and invalid build the coded errors; revocation's failure carries TL221.
        if (path === 'revocation.ts' && /code: 'TL221'/.test(line)) return
        offenders.push(`${path}:${index + 1}: ${line.trim()}`)
      })
    }
    expect(offenders).toEqual([])
  })

  it('every warning printed through the environment is coded', () => {
    const code = (text: string) => text.split('\n').filter((line) => !/^\s*(\*|\/\/|\/\*)/.test(line)).join('\n')
    const warnings = files.flatMap(({ path, text }) =>
      [...code(text).matchAll(/\.(warn|error)\(([^)]*)/g)].map((match) => `${path}: ${match[0]}`),
    )
    expect(warnings.length).toBeGreaterThan(8)
    for (const warning of warnings) {
      // What is printed is a coded text; the ports' own implementations print what they are given.
      expect(warning).toMatch(/\((diagnosticText\('TL\d{3}'|error\.message|`\[tokenlife\] \$\{message\}`|message: string)/)
    }
  })
})

describe('messages (development: the table; tests run the source as the development build)', () => {
  it('a message is the table text, then the code and its troubleshooting link', () => {
    const text = diagnosticText('TL303', undefined, 15_000)
    expect(text).toBe(`${diagnostics.TL303.message(undefined, 15_000)} (TL303: https://tokenlife.dev/troubleshooting#tl303)`)
    expect(troubleshootingUrl('TL303')).toBe('https://tokenlife.dev/troubleshooting#tl303')
  })

  it('diagnosticMessage() is the one format, exported for the packages that plug into the codes', () => {
    expect(diagnosticMessage('TL701', undefined, 'no provider')).toBe('no provider (TL701: https://tokenlife.dev/troubleshooting#tl701)')
    expect(diagnosticMessage('TL109', 'timing.jitterRatio', undefined)).toBe('TL109 timing.jitterRatio: https://tokenlife.dev/troubleshooting#tl109')
    expect(diagnosticMessage('TL305', undefined, undefined)).toBe('TL305: https://tokenlife.dev/troubleshooting#tl305')
  })

  it('bad input throws a TypeError carrying the code', () => {
    const thrown = (() => {
      try {
        createAuthClient({ refreshUrl: '/r', allowedOrigins: ['*'] })
      } catch (error) {
        return error as TypeError & { code: string }
      }
    })()
    expect(thrown).toBeInstanceOf(TypeError)
    expect(thrown?.code).toBe('TL117')
    expect(thrown?.message).toMatch(/^tokenlife: option `allowedOrigins` entry "\*" has a wildcard.*\(TL117: https:\/\/tokenlife\.dev\/troubleshooting#tl117\)$/)
  })

  it.each([
    [new NetworkError('https://a.test/r'), 'TL201', 'Request to https://a.test/r failed: no response'],
    [new NetworkError('https://a.test/r', { timedOut: true }), 'TL202', 'Request to https://a.test/r timed out'],
    [new ServerError('https://a.test/r', 503), 'TL203', 'Request to https://a.test/r failed with HTTP 503'],
    [new InvalidResponseError('https://a.test/r', 'no access_token', { code: 'TL206' }), 'TL206', 'Invalid token response from https://a.test/r: no access_token'],
    [new SessionEndedError('revoked', { error: 'invalid_grant' }), 'TL212', 'The session has ended (revoked): invalid_grant'],
    [new SessionEndedError('logout'), 'TL213', 'The session has ended (logout)'],
    [new SessionEndedError('no_session'), 'TL214', 'The session has ended (no_session)'],
    [new SessionEndedError('idle'), 'TL222', 'The session has ended (idle)'],
    [new LoginError(401, { description: 'wrong password' }), 'TL215', 'Login failed with HTTP 401: wrong password'],
    [new ConfigurationError('https://a.test/r', 401, 'invalid_client'), 'TL216', 'tokenlife: https://a.test/r refused the refresh as misconfigured'],
    [new ConfigurationError('https://a.test/r', 400, 'invalid_scope'), 'TL220', 'tokenlife: https://a.test/r refused the refresh as misconfigured'],
    [codedError('TL307', 'localStorage'), 'TL307', 'localStorage is not available here'],
  ])('%s carries %s and its link', (error, code, text) => {
    expect((error as { code?: string }).code).toBe(code)
    expect(error.message.startsWith(text)).toBe(true)
    expect(error.message).toContain(`(${code}: ${troubleshootingUrl(code)})`)
  })

  it('a token never appears in a setTokens() message, only its length', () => {
    const token = 'secret-opaque-token-value'
    expect(() => createAuthClient({ refreshUrl: '/r' }).setTokens({ accessToken: token, expiresIn: 'soon' as never })).toThrow(/TL134/)
    try {
      createAuthClient({ refreshUrl: '/r' }).setTokens({ accessToken: token, refreshToken: 5 as never })
    } catch (error) {
      expect((error as Error).message).not.toContain(token)
    }
    expect(diagnostics.TL132.message(undefined, token)).toBe(`setTokens(): \`accessToken\` must be a non-empty string, got a string of ${token.length} characters`)
  })
})

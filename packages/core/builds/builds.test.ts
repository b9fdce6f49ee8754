// The two builds of the package as an app gets them (run after `pnpm build`): the production build (dist/, also the
// default when no condition is set) and the development build (dist/development/). Both throw the same error classes
// with the same codes and keep every check that protects a user; only the development build writes the table's
// messages and makes the checks that only help a developer.
import { execFileSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import type * as Core from '../src/index'

const packageDir = fileURLToPath(new URL('..', import.meta.url))
const load = async (path: string) => (await import(/* @vite-ignore */ new URL(path, import.meta.url).href)) as typeof Core
const production = await load('../dist/index.js')
const development = await load('../dist/development/index.js')
const builds = { production, development }

/** What `fn` throws, or undefined. */
function thrown(fn: () => unknown): (Error & { code?: string }) | undefined {
  try {
    fn()
  } catch (error) {
    return error as Error & { code?: string }
  }
  return undefined
}

const link = (code: string) => `https://tokenlife.dev/troubleshooting#${code.toLowerCase()}`

describe.each(Object.entries(builds))('the %s build', (name, core) => {
  const create = (options: object) => core.createAuthClient({ refreshUrl: 'https://auth.test/r', ...options } as Core.AuthClientOptions)

  it.each([
    ['a wildcard in allowedOrigins', { allowedOrigins: ['https://*.example.com'] }, 'TL117'],
    ['a relative allowedOrigins entry', { allowedOrigins: ['/api/'] }, 'TL119'],
    ['an allowedOrigins entry without a scheme', { allowedOrigins: ['localhost:8080'] }, 'TL120'],
    ['allowedOrigins that is not an array', { allowedOrigins: 'https://api.test' }, 'TL115'],
    ['a spread ratio over 1', { timing: { spreadRatio: 10 } }, 'TL109'],
    ['an idle option not made by idleTimeout()', { idle: { timeoutMs: 60_000 } }, 'TL153'],
    ['a retry without pause', { timing: { retryBaseMs: 0 } }, 'TL110'],
    ['an endpoint that is not a URL', { refreshUrl: 'https://exa mple.com/r' }, 'TL105'],
  ])('refuses %s (a check that protects a user): a TypeError with the code and its link', (_what, options, code) => {
    const error = thrown(() => create(options))
    expect(error).toBeInstanceOf(TypeError)
    expect(error?.code).toBe(code)
    expect(error?.message).toMatch(/^tokenlife: /)
    expect(error?.message).toContain(link(code))
  })

  it('refuses unusable token input in setTokens(), never printing the token', () => {
    const error = thrown(() => create({}).setTokens({ accessToken: 'a.not-base64!.c', expiresIn: 60 }))
    expect(error).toBeInstanceOf(TypeError)
    expect(error?.code).toBe('TL135')
    const opaque = thrown(() => create({}).setTokens({ accessToken: 'opaque-secret-token' }))
    expect(opaque?.code).toBe('TL136')
    expect(opaque?.message).not.toContain('opaque-secret-token')
  })

  it('validates token responses: an answer without a token is an InvalidResponseError with its code', async () => {
    const auth = create({
      environment: {
        fetch: async () => new Response(JSON.stringify({ token_type: 'Bearer' }), { status: 200, headers: { 'Content-Type': 'application/json' } }),
        locks: undefined,
        openChannel: () => undefined,
        sharedMarks: undefined,
        warn: () => {},
      },
    })
    const error = await auth.refresh().catch((caught: unknown) => caught)
    auth.destroy()
    expect(core.isInvalidResponseError(error)).toBe(true)
    expect(error).toBeInstanceOf(core.InvalidResponseError)
    expect((error as Core.InvalidResponseError).code).toBe('TL205')
    expect((error as Error).message).toContain(link('TL205'))
  })

  it('the error classes carry their codes', () => {
    expect(new core.NetworkError('https://a.test/r', { timedOut: true }).code).toBe('TL202')
    expect(new core.SessionEndedError('revoked').code).toBe('TL212')
    expect(new core.ConfigurationError('https://a.test/r', 401, 'invalid_client').likelyCause).toMatch(/oauthClientId/)
  })

  if (name === 'production') {
    it('writes only the code, the subject and the link: none of the development text', () => {
      expect(thrown(() => create({ timing: { spreadRatio: 10 } }))?.message).toBe(`tokenlife: TL109 timing.spreadRatio: ${link('TL109')}`)
      expect(new core.NetworkError('https://a.test/r').message).toBe(`TL201 https://a.test/r: ${link('TL201')}`)
    })

    it('does not make the checks that only help a developer (unknown option names, adapter shapes)', () => {
      expect(thrown(() => create({ refreshTokenMode: 'storage' }))).toBeUndefined()
      expect(thrown(() => create({ namespace: 'has spaces' }))).toBeUndefined()
    })
  } else {
    it('writes the full message from the table, then the code and its link', () => {
      expect(thrown(() => create({ timing: { spreadRatio: 10 } }))?.message).toBe(
        `tokenlife: option \`timing.spreadRatio\` must be at most 1, got 10; e.g. 0.9 (TL109: ${link('TL109')})`,
      )
    })

    it('refuses unknown option names with the nearest valid one, and the other developer checks', () => {
      const error = thrown(() => create({ refreshTokenMode: 'storage' }))
      expect(error?.code).toBe('TL102')
      expect(error?.message).toMatch(/did you mean `refreshToken`\?/)
      expect(thrown(() => create({ namespace: 'has spaces' }))?.code).toBe('TL112')
    })
  }
})

describe('export conditions', () => {
  /** Runs `source` in Node from the package's directory with `conditions`, printing what it logs. */
  const node = (conditions: string[], source: string) =>
    execFileSync(process.execPath, [...conditions.map((condition) => `--conditions=${condition}`), '--input-type=module', '-e', source], {
      cwd: packageDir,
      encoding: 'utf8',
    }).trim()
  const probe = `import { createAuthClient } from '@tokenlife/core'
try { createAuthClient({ refreshUrl: '/r', timing: { spreadRatio: 10 } }) } catch (error) { console.log(error.message) }`
  const requireProbe = `import { createRequire } from 'node:module'
const { createAuthClient } = createRequire(process.cwd() + '/')('@tokenlife/core')
try { createAuthClient({ refreshUrl: '/r', timing: { spreadRatio: 10 } }) } catch (error) { console.log(error.message) }`

  it('Node without a condition gets the production build (import and require)', () => {
    expect(node([], probe)).toBe(`tokenlife: TL109 timing.spreadRatio: ${link('TL109')}`)
    expect(node([], requireProbe)).toBe(`tokenlife: TL109 timing.spreadRatio: ${link('TL109')}`)
  })

  it('--conditions=development gets the development build (import and require)', () => {
    expect(node(['development'], probe)).toMatch(/^tokenlife: option `timing.spreadRatio` must be at most 1/)
    expect(node(['development'], requireProbe)).toMatch(/^tokenlife: option `timing.spreadRatio` must be at most 1/)
  })

  it('--conditions=production gets the production build', () => {
    expect(node(['production'], probe)).toMatch(/^tokenlife: TL109 /)
  })
})

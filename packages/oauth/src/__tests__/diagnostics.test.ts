// The error codes of @tokenlife/oauth against its source: every code in the table is raised somewhere, every code the
// source names is in the table, and every place the source throws or builds an error goes through a code. (That each
// code is really raised, with its class, is diagnosticsRaised.test.ts.)
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { codeTables } from '@tokenlife/test-utils/codeTables'
import { describe, expect, it } from 'vitest'
import { diagnostics } from '../diagnostics/codes'

const src = fileURLToPath(new URL('..', import.meta.url))

/** Every source file of the package but its tests and the diagnostics table itself. */
function sources(dir = src): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) return name === '__tests__' || name === 'diagnostics' ? [] : sources(path)
    return name.endsWith('.ts') ? [path] : []
  })
}

/** The source's code lines (comments dropped), numbered. */
const files = sources().map((path) => ({
  path: relative(src, path),
  lines: readFileSync(path, 'utf8')
    .split('\n')
    .map((text, index) => ({ text, number: index + 1 }))
    .filter(({ text }) => !/^\s*(\*|\/\/|\/\*)/.test(text)),
}))
const codes = Object.keys(diagnostics)

/** The package's error classes: each picks its code in its constructor (diagnosticsRaised.test.ts checks which). */
const oauthErrors = ['AuthorizationError', 'CallbackStateError', 'CallbackReplayError', 'OtherTabTransactionError', 'IssuerMismatchError', 'IdTokenError', 'CodeExchangeError', 'ReturnToError', 'DiscoveryError', 'DpopBindingError']
/** The core's error classes the package raises, coded by the core: TL201 (no answer), TL203 (5xx, 429), TL212 (revoked). */
const coreErrors = ['NetworkError', 'ServerError', 'SessionEndedError']

/**
 * Errors passed on as they came, and why each is not one of the package's own: a rejection it only lets through (the
 * lazy chunk of oauth4webapi that did not load; a failure of oauth4webapi that is not a refusal it knows how to name),
 * an error already coded (what `refusal()` returns is a coded error, or the original), or a check that could not run
 * now, which the core retries.
 */
const passedOn: Record<string, RegExp[]> = {
  'protocol.ts': [/^\s*throw error$/],
  'codeExchange.ts': [/^\s*throw error$/, /^\s*throw refusal\(o, error\)$/],
  'discovery.ts': [/^\s*throw error$/],
  'refreshedIdToken.ts': [/\) throw error$/],
  'oauthClient.ts': [/\) throw error$/],
}

describe('error codes of @tokenlife/oauth', () => {
  it('are TL5xx, each with every field written', () => {
    expect(codes.length).toBeGreaterThan(30)
    for (const [code, entry] of Object.entries(diagnostics)) {
      expect(code).toMatch(/^TL5\d\d$/)
      for (const field of ['raises', 'title', 'meaning', 'cause', 'fix'] as const) expect(entry[field].trim().length, `${code}.${field}`).toBeGreaterThan(3)
      expect(['error', 'warning']).toContain(entry.kind)
      expect(['kept', 'development only']).toContain(entry.production)
      expect(entry.message(undefined, 'x', 1)).toMatch(/^tokenlife: /)
    }
  })

  it('no code is defined in two of the tables (the spread in codes.ts would silently keep the last one)', () => {
    const { defined, twice } = codeTables(join(src, 'diagnostics'))
    expect(twice).toEqual([])
    expect(defined.sort()).toEqual([...codes].sort())
  })

  it('every code in the table is named by the source where it is raised, and every code the source names is in the table', () => {
    const named = new Set(files.flatMap(({ lines }) => lines.flatMap(({ text }) => text.match(/'TL\d{3}'/g) ?? [])).map((code) => code.slice(1, -1)))
    expect([...named].filter((code) => !codes.includes(code))).toEqual([])
    expect(codes.filter((code) => !named.has(code))).toEqual([])
  })

  it('every raise site goes through a code: the package’s classes, the core’s coded ones, invalid(), or an error passed on as it came', () => {
    const sites: string[] = []
    const offenders: string[] = []
    for (const { path, lines } of files) {
      for (const { text, number } of lines) {
        const constructed = [...text.matchAll(/new (\w*Error)\(/g)].map((match) => match[1]!)
        const thrown = /\bthrow\b/.test(text)
        if (!thrown && constructed.length === 0 && !/\binvalid\(/.test(text) && !/console\.|Promise\.reject\(/.test(text)) continue
        sites.push(`${path}:${number}`)
        const ok =
          (constructed.length > 0 && constructed.every((name) => oauthErrors.includes(name) || coreErrors.includes(name))) ||
          /new TokenlifeError\(oauthText\('(TL5\d\d)'.*\{ code: '\1' \}\)/.test(text) ||
          /\binvalid\('TL5\d\d'/.test(text) ||
          (passedOn[path] ?? []).some((pattern) => pattern.test(text))
        if (!ok) offenders.push(`${path}:${number}: ${text.trim()}`)
      }
    }
    // The package logs nothing, and builds no Error or TypeError of its own outside diagnostics/.
    expect(offenders).toEqual([])
    expect(sites.length).toBeGreaterThan(25)
  })

  it('each error class is raised, and each rethrow is listed, where the source says', () => {
    const text = (path: string) => files.find((file) => file.path === path)!.lines.map(({ text }) => text).join('\n')
    for (const name of oauthErrors) expect(files.some(({ path, lines }) => path !== 'errors.ts' && lines.some(({ text }) => text.includes(`new ${name}(`))), name).toBe(true)
    for (const [path, patterns] of Object.entries(passedOn)) for (const pattern of patterns) expect(text(path).split('\n').some((line) => pattern.test(line)), `${path} ${pattern}`).toBe(true)
  })
})

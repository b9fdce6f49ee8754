// @vitest-environment node
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { diagnostics } from '../../src/diagnostics/codes'

const src = join(process.cwd(), 'src')
const sources = (dir: string): { file: string; text: string }[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sources(join(dir, entry.name)) : /\.tsx?$/.test(entry.name) ? [{ file: join(dir, entry.name), text: readFileSync(join(dir, entry.name), 'utf8') }] : [],
  )
const all = sources(src).filter(({ file }) => !file.includes('/diagnostics/'))

describe('error codes of @tokenlife/testing', () => {
  it('are TL8xx, each with every field the troubleshooting page needs', () => {
    for (const [code, entry] of Object.entries(diagnostics)) {
      expect(code).toMatch(/^TL8\d\d$/)
      for (const field of ['title', 'meaning', 'cause', 'fix', 'raises'] as const) expect(entry[field].trim(), `${code}.${field}`).not.toBe('')
      expect(entry.message('subject', 'detail', 'more')).toMatch(/^tokenlife: /)
    }
  })

  it('every code is raised by the source, and every error the source throws is coded', () => {
    for (const code of Object.keys(diagnostics)) expect(all.some(({ text }) => text.includes(`'${code}'`)), code).toBe(true)
    // Errors are made by kitError(…, 'TL8xx', …); a bare `throw new Error(` or `new TypeError(` would have no code.
    const bare = all.filter(({ text }) => /throw new (Type)?Error\(/.test(text)).map(({ file }) => file.slice(src.length))
    expect(bare).toEqual([])
  })
})

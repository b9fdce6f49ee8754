import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

/**
 * The codes a package's diagnostics tables define (`TL123:` entries of every `*Codes.ts` in `dir`), and those defined
 * in more than one table: a package's `codes.ts` spreads its tables into one, so a code defined twice silently keeps
 * the last entry.
 */
export function codeTables(dir: string): { defined: string[]; twice: string[] } {
  const entries = readdirSync(dir)
    .filter((name) => name.endsWith('Codes.ts'))
    .flatMap((name) => [...readFileSync(join(dir, name), 'utf8').matchAll(/^\s+(TL\d{3}):/gm)].map((match) => ({ code: match[1]!, table: name })))
  const twice = entries.filter((entry, index) => entries.findIndex((other) => other.code === entry.code) !== index).map(({ code, table }) => `${code} in ${table}`)
  return { defined: entries.map((entry) => entry.code), twice }
}

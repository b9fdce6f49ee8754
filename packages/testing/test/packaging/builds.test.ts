// The two builds (like the core's): the same classes and codes; the development build's messages, the production
// build's short ones; Node picking production by default and development with --conditions=development.
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import type * as KitModule from '../../src/index'

type Kit = typeof KitModule

const root = new URL('../../', import.meta.url)


const load = (path: string): Promise<Kit> => import(new URL(path, root).href) as Promise<Kit>

function errorOf(run: () => unknown): Error & { code?: string } {
  try {
    run()
  } catch (error) {
    return error as Error & { code?: string }
  }
  throw new Error('did not throw')
}

describe('the development and production builds of @tokenlife/testing', () => {
  it('throw the same TypeError with the same code; only the development build has the message', async () => {
    const [production, development] = await Promise.all([load('dist/index.js'), load('dist/development/index.js')])
    const fromProduction = errorOf(() => production.tokenlifeHandlers({ accessTokenTtl: -1 }))
    const fromDevelopment = errorOf(() => development.tokenlifeHandlers({ accessTokenTtl: -1 }))
    expect([fromProduction.name, fromProduction.code, fromDevelopment.name, fromDevelopment.code]).toEqual(['TypeError', 'TL801', 'TypeError', 'TL801'])
    expect(fromProduction.message).toBe('tokenlife: TL801 accessTokenTtl: https://tokenlife.dev/troubleshooting#tl801')
    expect(fromDevelopment.message).toBe('tokenlife: tokenlifeHandlers() option `accessTokenTtl` must be a number of seconds > 0, got -1 (TL801: https://tokenlife.dev/troubleshooting#tl801)')
    // The production build does not carry the table.
    const shipped = ['dist/index.js', 'dist/index.cjs'].map((file) => readFileSync(new URL(file, root), 'utf8')).join('')
    expect(shipped).not.toContain('could not reach')
  })

  it('Node resolves the production build by default and the development build with --conditions=development', () => {
    const script = "import('@tokenlife/testing').then((kit) => { try { kit.tokenlifeHandlers({ accessTokenTtl: -1 }) } catch (error) { console.log(error.message) } })"
    const cwd = new URL('.', root)
    const plain = execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd, encoding: 'utf8' })
    const development = execFileSync(process.execPath, ['--conditions=development', '--input-type=module', '-e', script], { cwd, encoding: 'utf8' })
    expect(plain.trim()).toBe('tokenlife: TL801 accessTokenTtl: https://tokenlife.dev/troubleshooting#tl801')
    expect(development).toContain('must be a number of seconds > 0, got -1')
  })
})

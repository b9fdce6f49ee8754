import { render } from '@testing-library/react'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { diagnostics } from '../diagnostics/codes'
import { AuthProvider, troubleshootingUrl, useAuth } from '../index'

// Tests run from the package's folder (jsdom gives import.meta.url another scheme).
const src = join(process.cwd(), 'src')
const sources = readdirSync(src).filter((name) => /\.tsx?$/.test(name)).map((name) => readFileSync(`${src}/${name}`, 'utf8'))

afterEach(() => vi.restoreAllMocks())

/** What rendering `element` throws (React logs the error too: silenced). */
function renderError(element: React.ReactElement): Error & { code?: string } {
  vi.spyOn(console, 'error').mockImplementation(() => {})
  try {
    render(element)
  } catch (error) {
    return error as Error & { code?: string }
  }
  throw new Error('rendered without an error')
}

function Account() {
  return <p>{useAuth().status}</p>
}

describe('error codes of @tokenlife/react', () => {
  it('are TL70x, every one raised by the source, every error the source throws coded', () => {
    expect(Object.keys(diagnostics).every((code) => /^TL70\d$/.test(code))).toBe(true)
    for (const code of Object.keys(diagnostics)) expect(sources.some((text) => text.includes(`'${code}'`)), code).toBe(true)
    expect(sources.filter((text) => /throw new (Type)?Error\(/.test(text))).toEqual([])
  })

  it('TL701: a hook without a provider', () => {
    const error = renderError(<Account />)
    expect(error.code).toBe('TL701')
    expect(error.message).toMatch(/^tokenlife: no <AuthProvider> above this component/)
    expect(error.message).toContain(`(TL701: ${troubleshootingUrl('TL701')})`)
  })

  it('TL702: a provider without a client names the prop it was given', () => {
    const props = { auth: {} } as unknown as React.ComponentProps<typeof AuthProvider>
    const error = renderError(<AuthProvider {...props} />)
    expect(error).toBeInstanceOf(TypeError)
    expect(error.code).toBe('TL702')
    expect(error.message).toContain('The prop is called `client`, not `auth`.')
  })
})

import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createApp, defineComponent, h } from 'vue'
import { diagnostics } from '../diagnostics/codes'
import { authGuard, createAuthClient, troubleshootingUrl, useAuth, type AuthClient } from '../index'

// Tests run from the package's folder (jsdom gives import.meta.url another scheme).
const src = join(process.cwd(), 'src')
const sources = readdirSync(src).filter((name) => name.endsWith('.ts')).map((name) => readFileSync(`${src}/${name}`, 'utf8'))

/** What `fn` throws. */
function thrown(fn: () => unknown): Error & { code?: string } {
  try {
    fn()
  } catch (error) {
    return error as Error & { code?: string }
  }
  throw new Error('no error')
}

describe('error codes of @tokenlife/vue', () => {
  it('are TL71x, every one raised by the source, every error the source throws coded', () => {
    expect(Object.keys(diagnostics).every((code) => /^TL71\d$/.test(code))).toBe(true)
    for (const code of Object.keys(diagnostics)) expect(sources.some((text) => text.includes(`'${code}'`)), code).toBe(true)
    expect(sources.filter((text) => /throw new (Type)?Error\(/.test(text))).toEqual([])
  })

  it('TL711: useAuth() in an app without the plugin; TL712: outside setup()', () => {
    let caught: (Error & { code?: string }) | undefined
    const Probe = defineComponent({
      setup() {
        caught = thrown(() => useAuth())
        return () => h('p')
      },
    })
    createApp(Probe).mount(document.createElement('div'))
    expect(caught?.code).toBe('TL711')
    expect(caught?.message).toContain(`(TL711: ${troubleshootingUrl('TL711')})`)
    expect(thrown(() => useAuth()).code).toBe('TL712')
  })

  it('TL713–TL715: the guard refuses bad arguments when the router is set up', () => {
    const auth = createAuthClient({ refreshUrl: 'https://auth.test/r' })
    expect(thrown(() => authGuard({} as AuthClient)).code).toBe('TL713')
    expect(thrown(() => authGuard(auth, '/login' as never)).code).toBe('TL714')
    const error = thrown(() => authGuard(auth, { requiresAuth: true as never }))
    expect(error).toBeInstanceOf(TypeError)
    expect(error.code).toBe('TL715')
    expect(error.message).toMatch(/^tokenlife: authGuard\(auth, \{ requiresAuth \}\): requiresAuth must be a function/)
  })
})

import { afterEach, describe, expect, it } from 'vitest'

/** Browser globals that server-side code must not touch: reading any of them throws and is recorded. */
const browserGlobals = ['window', 'document', 'localStorage', 'sessionStorage', 'indexedDB'] as const
const touched: string[] = []

function trapBrowserGlobals(): void {
  for (const name of browserGlobals) {
    Object.defineProperty(globalThis, name, {
      configurable: true,
      get: () => {
        touched.push(name)
        throw new Error(`SSR: \`${name}\` was read on the server`)
      },
    })
  }
}

afterEach(() => {
  for (const name of browserGlobals) delete (globalThis as Record<string, unknown>)[name]
  touched.length = 0
})

describe('server-side rendering', () => {
  it('importing the package touches no window, document or storage', async () => {
    trapBrowserGlobals()
    const core = await import('../index')
    expect(typeof core.createAuthClient).toBe('function')
    expect(touched).toEqual([])
  })

  it('createAuthClient() with the default (browser) environment touches none of them either', async () => {
    const { createAuthClient } = await import('../index')
    trapBrowserGlobals()
    const client = createAuthClient({ refreshUrl: '/auth/refresh', refreshToken: 'storage' })
    expect(client.getState()).toEqual({ status: 'initializing' })
    client.destroy()
    expect(touched).toEqual([])
  })
})

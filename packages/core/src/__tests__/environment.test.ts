import { afterEach, describe, expect, it, vi } from 'vitest'
import { normalizeOptions } from '../options'
import { completeEnvironment, createBrowserEnvironment, type Environment, type LockManagerPort } from '../environment'

/** Globals a test sets, removed afterwards. */
const stubbed: string[] = []
function stub(name: string, value: unknown): void {
  Object.defineProperty(globalThis, name, { configurable: true, writable: true, value })
  stubbed.push(name)
}
afterEach(() => {
  for (const name of stubbed.splice(0)) delete (globalThis as Record<string, unknown>)[name]
})

/** A page's globals: a window and a document (what the default environment looks for). */
const becomePage = () => {
  stub('window', globalThis)
  stub('document', {})
}

describe('the default environment, cross-tab features only in a page', () => {
  it('outside a page (Node): no channel although BroadcastChannel exists, inert marks, locks that do not lock', async () => {
    expect(typeof BroadcastChannel).toBe('function') // Node 20+: the reason for all of this
    const request = vi.fn()
    stub('navigator', { onLine: true, locks: { request } satisfies LockManagerPort })
    const store = new Map<string, string>()
    stub('localStorage', { getItem: (key: string) => store.get(key) ?? null, setItem: (key: string, value: string) => store.set(key, value), removeItem: () => {} })
    const env = createBrowserEnvironment()

    expect(env.openChannel('tokenlife:default')).toBeUndefined()
    env.sharedMarks!.set('tokenlife:default:mark', 'x')
    expect(store.size).toBe(0)
    store.set('tokenlife:default:mark', 'from another client')
    expect(env.sharedMarks!.get('tokenlife:default:mark')).toBeNull()
    await expect(env.locks!.request('tokenlife:default:refresh', {}, () => 'ran')).resolves.toBe('ran')
    expect(request).not.toHaveBeenCalled()
  })

  it('in a page: the native channel, localStorage marks and the Web Lock', async () => {
    const request = vi.fn((_name: string, _options: unknown, callback: (lock: unknown) => unknown) => Promise.resolve(callback('lock')))
    stub('navigator', { onLine: true, locks: { request } })
    const store = new Map<string, string>()
    stub('localStorage', { getItem: (key: string) => store.get(key) ?? null, setItem: (key: string, value: string) => store.set(key, value), removeItem: () => {} })
    const env = createBrowserEnvironment()
    becomePage() // read lazily: a page that appears after the environment was built counts

    const channel = env.openChannel('tokenlife:default')
    expect(channel).toBeDefined()
    channel!.close()
    env.sharedMarks!.set('tokenlife:default:mark', 'x')
    expect(store.get('tokenlife:default:mark')).toBe('x')
    await expect(env.locks!.request('tokenlife:default:refresh', {}, () => 'ran')).resolves.toBe('ran')
    expect(request).toHaveBeenCalledOnce()
  })
})

describe('the default refresh lock, chosen when first read', () => {
  it('outside a page without Web Locks: none (the client is alone; its own queue orders its refreshes)', () => {
    expect(createBrowserEnvironment().locks).toBeUndefined()
  })

  it('in a page without Web Locks: the leader election, which lists no locks', () => {
    const env = createBrowserEnvironment()
    becomePage() // after the environment was built: the choice is made when the lock is first used
    const locks = env.locks
    expect(locks).toBeDefined()
    expect(locks!.query).toBeUndefined()
    expect(env.locks).toBe(locks) // chosen once
  })

  it('Web Locks list their locks in a page (the newest session is published in lock names), none outside one', async () => {
    const query = vi.fn(() => Promise.resolve({ held: [{ name: 'tokenlife:default:newest:1:2:3:a' }] }))
    stub('navigator', { onLine: true, locks: { request: vi.fn(), query } })
    const env = createBrowserEnvironment()
    await expect(env.locks!.query!()).resolves.toEqual({ held: [] })
    expect(query).not.toHaveBeenCalled()
    becomePage()
    await expect(env.locks!.query!()).resolves.toEqual({ held: [{ name: 'tokenlife:default:newest:1:2:3:a' }] })
  })

  it('Web Locks where the runtime has them, in a page or not', () => {
    stub('navigator', { onLine: true, locks: { request: vi.fn() } })
    expect(createBrowserEnvironment().locks).toBeDefined()
  })
})

describe('completeEnvironment: only the members missing from the given environment get defaults', () => {
  it('keeps every given member, own or inherited; class methods keep their `this`', async () => {
    class ClassEnvironment {
      #now = 42
      now() {
        return this.#now
      }
      warn = vi.fn()
    }
    const given = new ClassEnvironment()
    const env = completeEnvironment(given as unknown as Partial<Environment>)
    expect(env.now()).toBe(42)
    env.warn('hello')
    expect(given.warn).toHaveBeenCalledWith('hello')
    // Missing members come from the browser defaults.
    expect(env.random()).toBeGreaterThanOrEqual(0)
    expect(env.isOnline()).toBe(true)
    expect(env.openChannel('tokenlife:default')).toBeUndefined() // not a page
  })

  it('`locks: undefined` and `sharedMarks: undefined` mean "none", even in a page; another member set to undefined is missing', () => {
    becomePage()
    const env = completeEnvironment({ locks: undefined, sharedMarks: undefined, now: undefined })
    expect('locks' in env && env.locks === undefined).toBe(true)
    expect(env.sharedMarks).toBeUndefined()
    expect(env.now()).toBeCloseTo(Date.now(), -3)
    expect(completeEnvironment({}).locks).toBeDefined() // missing: the default (the election, in a page)
  })

  it('is how client options fill in the environment', () => {
    class FixedClock {
      now() {
        return 7
      }
    }
    const { environment } = normalizeOptions({ refreshUrl: 'https://auth.test/refresh', environment: new FixedClock() as Partial<Environment> })
    expect(environment.now()).toBe(7)
  })

  it('uses a given lock manager as given', () => {
    const locks: LockManagerPort = { request: vi.fn() }
    expect(completeEnvironment({ locks }).locks).toBe(locks)
  })
})

describe('ids come from the environment', () => {
  it("the tab's id on the channel and the session ids are the environment's randomId()", async () => {
    const { FakeEnvironment, FakeChannelHub, mintAccessToken } = await import('@tokenlife/test-utils')
    const env = new FakeEnvironment()
    const hub = new FakeChannelHub()
    let next = 0
    const environment = { ...env, ...hub.connect(env), randomId: () => `custom-${++next}` }
    const { createAuthClient } = await import('../index')
    const auth = createAuthClient({ refreshUrl: 'https://auth.test/refresh', environment })
    auth.setTokens({ accessToken: mintAccessToken(env.now(), 60) })
    const mark = JSON.parse(env.marks.get('tokenlife:default:mark') ?? '{}') as { id?: string }
    expect(mark.id).toMatch(/^custom-\d+$/)
    expect(hub.posted.map((message) => (message as { from?: string }).from)).toContain('custom-1')
    auth.destroy()
  })
})

import { afterEach, describe, expect, it, vi } from 'vitest'
import { createBrowserEnvironment, type LockManagerPort } from '../environment'

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

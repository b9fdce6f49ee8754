import { runFor } from '@tokenlife/test-utils'
import { http, HttpResponse } from 'msw'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { DEBUG_KEY } from '../debugLog'
import { mswServer, setup } from './setup'

/** Everything console.debug printed, as one string per call. */
function captureDebug() {
  const spy = vi.spyOn(console, 'debug').mockImplementation(() => {})
  return { lines: () => spy.mock.calls.map((call) => call.map((part) => (typeof part === 'string' ? part : JSON.stringify(part))).join(' ')) }
}

afterEach(() => vi.restoreAllMocks())

/** A storage-mode client that signs in, refreshes, meets a failing refresh and logs out, with `mark` set first. */
async function session(mark: string | undefined, namespace?: string) {
  const context = setup({ refreshToken: 'storage', ...(namespace ? { namespace } : {}) })
  if (mark !== undefined) context.env.sharedMarks!.set(DEBUG_KEY, mark)
  await context.auth.start()
  const signedIn = await context.auth.login({ username: 'ada', password: 'secret' })
  const refreshed = await context.auth.refresh()
  mswServer.use(http.post(`${context.server.origin}/auth/refresh`, () => HttpResponse.json({ error: 'temporarily_unavailable' }, { status: 503 }), { once: true }))
  await context.auth.refresh().catch(() => {})
  await runFor(context.env, 5_000)
  const { issued, refreshLog } = context.server.stats
  const tokens = [signedIn.accessToken, refreshed.accessToken, ...issued, ...refreshLog.map((entry) => entry.bodyRefreshToken ?? '')]
  await context.auth.logout()
  return { ...context, tokens: tokens.filter(Boolean) }
}

describe('runtime debug logging (localStorage tokenlife:debug)', () => {
  it('is off by default: nothing is printed', async () => {
    const log = captureDebug()
    await session(undefined)
    expect(log.lines()).toEqual([])
  })

  it("with '*' prints every event, with its namespace, type and fields, and never a token", async () => {
    const log = captureDebug()
    const { tokens } = await session('*')
    const lines = log.lines()
    expect(lines.some((line) => line.startsWith('[tokenlife] default session-started') && line.includes('"source":"login"'))).toBe(true)
    expect(lines.some((line) => line.startsWith('[tokenlife] default refresh-succeeded'))).toBe(true)
    expect(lines.some((line) => line.startsWith('[tokenlife] default refresh-failed') && line.includes('"code":"TL203"') && line.includes('"status":503'))).toBe(true)
    expect(lines.some((line) => line.startsWith('[tokenlife] default session-ended') && line.includes('"reason":"logout"'))).toBe(true)
    expect(tokens.length).toBeGreaterThan(2)
    for (const token of tokens) expect(lines.join('\n')).not.toContain(token)
  })

  it('a list of namespaces switches on those clients only', async () => {
    const log = captureDebug()
    await session('other, my-app', 'my-app')
    expect(log.lines().some((line) => line.startsWith('[tokenlife] my-app session-started'))).toBe(true)
    vi.restoreAllMocks()
    const quiet = captureDebug()
    await session('other', 'my-app')
    expect(quiet.lines()).toEqual([])
  })

  it('takes effect at once in a running app, and ends when the key is removed', async () => {
    const log = captureDebug()
    const { env, auth } = setup()
    await auth.start()
    await auth.login({ username: 'ada', password: 'secret' })
    expect(log.lines()).toEqual([])
    env.sharedMarks!.set(DEBUG_KEY, '1')
    await auth.refresh()
    expect(log.lines().filter((line) => line.includes('refresh-succeeded'))).toHaveLength(1)
    env.sharedMarks!.remove(DEBUG_KEY)
    await auth.refresh()
    expect(log.lines().filter((line) => line.includes('refresh-succeeded'))).toHaveLength(1)
  })
})

import type { Browser, Page } from 'playwright'
import { afterAll, beforeAll } from 'vitest'
import type { AuthClient } from '../src/index'
import { launchChromium, startTabsServer } from './tabsHarness.mjs'

declare global {
  interface Window {
    auth: AuthClient
    authFetch: typeof fetch
    seen: { status: string; at: number }[]
    ready: Promise<void>
  }
}

/**
 * One test file's loopback server (issuing tokens of `lifetimeSeconds`; with a retry window of `retryWindowSeconds`,
 * if given) and Chromium, started once, closed after.
 */
export function useTabsStack(lifetimeSeconds: number, { retryWindowSeconds = 0 } = {}) {
  const stack = {} as { server: Awaited<ReturnType<typeof startTabsServer>>; browser: Browser }
  beforeAll(async () => {
    stack.server = await startTabsServer({ lifetimeSeconds, retryWindowSeconds })
    stack.browser = await launchChromium()
  })
  afterAll(async () => {
    await stack.browser?.close()
    await stack.server?.close()
  })
  return stack
}

/** A tab's client state. */
export const stateOf = (page: Page) => page.evaluate(() => window.auth.getState())

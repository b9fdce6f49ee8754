import { createAuthClient, type AuthClient, type AuthClientOptions, type AuthEvent, type WakeCause } from '@tokenlife/core'
import { describe, kitError } from '../diagnostics/kitError'
import type { MockFailure } from '../server/answers'
import type { MockAuthServer } from '../server/mockAuthServer'
import type { MockAuthServerOptions } from '../server/serverOptions'
import type { HeldAnswer } from '../server/switches'
import { moveTo, startIn, type ScriptHost } from './stateScripts'
import { sharedMemoryStorage } from './testBrowser'
import { drive, driveUntil } from './drive'
import { TestClock } from './testClock'
import { testClientSetup, type TestAuthClientOptions, type TestClientSetup } from './testClientOptions'
import { TestBrowser } from './testEnvironment'
import { checkState, type TestSessionState } from './testStates'
import { TestRedirectLogin } from './testRedirectLogin'

/** One page of the scripted browser, as the client holds it. */
interface Page {
  auth: AuthClient
  wake(cause: WakeCause): void
  activity(): void
  close(): void
}

const brand = Symbol.for('tokenlife.testing.TestAuthClient')

/** Another tab of the scripted browser: its own real client on the same clock, server, channel and storage. */
export interface TestTab {
  /** The tab's client. */
  readonly auth: AuthClient
  /** Fires a wake-up in this tab (`visible`, `focus`, `pageshow`, `online`). */
  wake(cause: WakeCause): void
  /** The user does something in this tab (a key, a click, a scroll): what the idle timeout counts as activity. */
  activity(): void
  /** Closes the tab: its client is destroyed. */
  close(): void
}

/**
 * A real tokenlife client (the engine itself, not a stub) in a scripted browser: a fake clock, an in-memory network
 * routed to a {@link MockAuthServer}, a channel and locks shared with the tabs it opens, an online switch. Put it in
 * any {@link TestSessionState} at once, then script what happens next: time passing, a sleep, going offline, a
 * logout in another tab, a revocation. Every transition is the engine's own. Make one with
 * {@link createTestAuthClient}, or construct it and await {@link TestAuthClient.ready}.
 */
export class TestAuthClient {
  /**
   * Whether `value` is a scripted client (of any copy of the kit: the ESM and CommonJS builds, development and
   * production, each have their own class).
   */
  static is(value: unknown): value is TestAuthClient {
    return typeof value === 'object' && value !== null && brand in value
  }

  /** The client: pass it to `<AuthProvider client>` or `createTokenlife()`, or use it as the app would. */
  readonly auth: AuthClient
  /** The mock server it talks to, with its switches (`failNextRefresh`, `goDown`, `revokeSessions`, …). */
  readonly server: MockAuthServer
  /** A stand-in for `@tokenlife/oauth`'s client (for `<AuthProvider oauth>`): signs in without leaving the page. */
  readonly oauth: TestRedirectLogin
  /** Every event of the client, oldest first. */
  readonly events: AuthEvent[] = []
  /** Resolves once the client is in the state it was created for (rejects with TL806 if it could not get there). */
  readonly ready: Promise<this>
  readonly #setup: TestClientSetup
  readonly #clock: TestClock
  readonly #browser: TestBrowser
  readonly #tabs = new Set<Page>()
  readonly #host: ScriptHost
  readonly #main: Page

  constructor(options: TestAuthClientOptions = {}) {
    Object.defineProperty(this, brand, { value: true })
    const state = checkState(options.state ?? 'signed-in')
    this.#clock = new TestClock(options.now ?? Date.now())
    const setup = testClientSetup(options, this.#clock)
    this.#setup = setup
    this.server = setup.server
    this.#browser = new TestBrowser(this.#clock, [this.server, ...setup.routes], setup.pageUrl)
    const first = this.#openPage()
    this.auth = first.auth
    this.#main = first
    this.auth.onEvent((event) => void this.events.push(event))
    this.oauth = new TestRedirectLogin(this.auth, setup.credentials, (promise) => this.#host.drive(promise))
    this.#host = {
      auth: this.auth,
      server: this.server,
      credentials: setup.credentials,
      held: undefined,
      drive: (promise) => drive(this.#clock, promise),
      driveUntil: (predicate, maxMs) => driveUntil(this.#clock, predicate, maxMs),
      prepareSession: () => this.#prepareSession(),
      setOnline: (online) => (online ? this.goOnline() : this.goOffline()),
    }
    this.ready = startIn(this.#host, state).then(() => {
      this.#isReady = true
      return this
    })
    this.ready.catch(() => {})
  }

  #isReady = false

  /** Whether {@link TestAuthClient.ready} has resolved: the client is in the state it was created for. */
  get isReady(): boolean {
    return this.#isReady
  }

  /** The fake time, epoch ms (what the client's `now()` reads). */
  now(): number {
    return this.#clock.now()
  }

  /** Messages tokenlife printed through `environment.warn` (they are kept here, not on the console). */
  get warnings(): readonly string[] {
    return this.#browser.warnings
  }

  /** Messages tokenlife printed through `environment.error` (a configuration error). */
  get errors(): readonly string[] {
    return this.#browser.errors
  }

  /** Whether the scripted device is online. */
  get online(): boolean {
    return this.#browser.online
  }

  /** Moves to `state` through the real transitions (`'signed-in'` signs in again; TL805 for a page-load-only state). */
  async setState(state: TestSessionState): Promise<void> {
    await this.ready
    await moveTo(this.#host, checkState(state))
  }

  /** Lets `ms` of time pass: scheduled refreshes, retries and timeouts happen at their times. */
  async advance(ms: number): Promise<void> {
    if (!(typeof ms === 'number' && ms >= 0 && Number.isFinite(ms))) throw kitError(TypeError, 'TL807', 'advance(ms)', describe(ms))
    await this.#clock.advance(ms)
  }

  /** Lets pending work finish (answers, messages, timers due now, waits of 100 ms or less such as asking the other tabs). */
  settle(): Promise<void> {
    return this.#clock.settle()
  }

  /**
   * The device sleeps for `ms` (nothing runs, the wall clock moves on), then wakes: every tab hears `visible`, and a
   * session whose token expired meanwhile is refreshed at once.
   */
  async sleep(ms: number): Promise<void> {
    if (!(typeof ms === 'number' && ms >= 0 && Number.isFinite(ms))) throw kitError(TypeError, 'TL807', 'sleep(ms)', describe(ms))
    this.#clock.suspend(ms)
    this.#wakeAll('visible')
    await this.settle()
  }

  /** The device goes offline: every request fails as `fetch` does offline (the app's own API calls through it too). */
  async goOffline(): Promise<void> {
    this.#browser.online = false
    await this.settle()
  }

  /** The device comes back online: every tab hears `online` (a refresh that waited for it goes at once). */
  async goOnline(): Promise<void> {
    this.#browser.online = true
    this.#wakeAll('online')
    await this.settle()
  }

  /** Fires a wake-up in this tab (`visible`, `focus`, `pageshow`, `online`), as a browser does. */
  async wake(cause: WakeCause = 'visible'): Promise<void> {
    this.#wakeAll(cause)
    await this.settle()
  }

  /**
   * The user does something in this tab (a key, a click, a scroll): with `idleTimeout()`, the shared deadline moves
   * in every tab and a warning is cancelled.
   */
  async activity(): Promise<void> {
    this.#main.activity()
    await this.settle()
  }

  /** Opens another tab of this browser (a page load: its client starts, and shares this tab's session). */
  async openTab(): Promise<TestTab> {
    const page = this.#openPage()
    const tab: TestTab = {
      auth: page.auth,
      wake: (cause) => page.wake(cause),
      activity: () => page.activity(),
      close: () => {
        this.#tabs.delete(page)
        page.close()
      },
    }
    this.#tabs.add(page)
    await drive(this.#clock, page.auth.start())
    return tab
  }

  /** The user signs out in another tab: this tab's session ends at once (`logout`), and the server revokes it. */
  async signOutInAnotherTab(options: { everywhere?: boolean } = {}): Promise<void> {
    const tab = await this.openTab()
    await drive(this.#clock, tab.auth.logout(options))
    tab.close()
    await this.settle()
  }

  /** The server revokes the session (an admin, a detected theft): it ends as `revoked` at its next refresh. */
  revokeSession(): void {
    this.server.revokeSessions(this.#setup.credentials.email)
  }

  /** The user changed their password on another device: the session ends as `revoked` at its next refresh. */
  changePassword(newPassword?: string): void {
    this.server.changePassword(this.#setup.credentials.email, newPassword)
  }

  /** Answers the refresh the `'loading'` state holds: normally (the default), or with a failure. */
  async finishLoading(outcome: 'signed-in' | MockFailure = 'signed-in'): Promise<void> {
    const held = this.#host.held
    if (!held) throw kitError(Error, 'TL808', 'finishLoading()')
    if (outcome === 'signed-in') held.release()
    else held.fail(outcome)
    await this.settle()
  }

  /** The refresh held on the wire by the `'loading'` state, if any. */
  get heldRefresh(): HeldAnswer | undefined {
    return this.#host.held
  }

  /** Releases the client and every tab it opened (they hold nothing real: no timers, no channel). */
  destroy(): void {
    for (const tab of [...this.#tabs]) tab.close()
    this.auth.destroy()
  }

  #wakeAll(cause: WakeCause): void {
    this.#main.wake(cause)
    for (const tab of this.#tabs) tab.wake(cause)
  }

  #openPage(options: Partial<AuthClientOptions> = {}): Page {
    const { environment, wake, activity } = this.#browser.openTab()
    const auth = createAuthClient({
      ...this.#setup.clientOptions,
      storage: sharedMemoryStorage(this.#browser.storage),
      ...options,
      environment: { ...environment, ...options.environment },
    })
    return { auth, wake, activity, close: () => auth.destroy() }
  }

  /** A sign-in on an earlier visit: the server holds a session for this browser, its refresh token where the app keeps it. */
  async #prepareSession(): Promise<void> {
    if (this.#setup.clientOptions.refreshToken !== 'storage') {
      this.server.signIn(this.#setup.credentials.email)
      return
    }
    // Storage mode: an earlier page signed in through tokenlife itself, which stored the refresh token its own way.
    const earlier = this.#openPage({ environment: { openChannel: () => undefined } })
    try {
      await drive(this.#clock, earlier.auth.login(this.#setup.credentials))
    } finally {
      earlier.close()
    }
  }
}

/**
 * A scripted client in `options.state` (default `'signed-in'`), once it is there: the real engine, a fake clock, a
 * mock server. For tests of components, hooks, guards and services that use a tokenlife client.
 *
 * @example
 * ```ts
 * const session = await createTestAuthClient({ state: 'signed-in', user: { claims: { name: 'Ada' } } })
 * session.auth.getState().status      // 'authenticated'
 * await session.goOffline()
 * await session.advance(5 * 60_000)   // the refresh is due; it waits for the network
 * await session.goOnline()            // refreshed at once
 * await session.signOutInAnotherTab() // 'unauthenticated', reason 'logout'
 * ```
 */
export async function createTestAuthClient(options?: TestAuthClientOptions): Promise<TestAuthClient> {
  return new TestAuthClient(options).ready
}

export type { TestAuthClientOptions, MockAuthServerOptions }

import type { AuthClient } from '@tokenlife/core'
import { kitError } from '../diagnostics/kitError'
import type { MockAuthServer } from '../server/mockAuthServer'
import type { HeldAnswer } from '../server/switches'
import { describeState, reached, startStates, type TestSessionState } from './testStates'

/** What a script drives: the client, its server, and the scripted browser's controls. */
export interface ScriptHost {
  readonly auth: AuthClient
  readonly server: MockAuthServer
  /** The signed-in user's credentials, as the app's sign-in form would send them. */
  readonly credentials: { email: string; password: string }
  /** Lets `promise` settle while the fake clock runs (timers fire as the work needs them). */
  drive<T>(promise: Promise<T>): Promise<T>
  /** Runs the clock until `predicate` holds (retries, backoff), at most `maxMs` of fake time. */
  driveUntil(predicate: () => boolean, maxMs: number): Promise<boolean>
  /** A session the server holds for this browser, as a sign-in on an earlier visit left it. */
  prepareSession(): Promise<void>
  setOnline(online: boolean): Promise<void>
  /** The refresh the `'loading'` state holds on the wire. */
  held: HeldAnswer | undefined
}

const ignore = () => {}

/** How a page that loads reaches each state: the session the server holds, and what its first refresh meets. */
const starts: Record<TestSessionState, ((host: ScriptHost) => Promise<void>) | undefined> = {
  'signed-out': (host) => host.drive(host.auth.start()),
  'signed-in': async (host) => {
    await host.prepareSession()
    await host.drive(host.auth.start())
  },
  loading: async (host) => {
    await host.prepareSession()
    const held = host.server.holdNextRefresh()
    host.held = held
    void host.auth.start()
    await host.drive(held.arrived)
  },
  'loading-offline': async (host) => {
    await host.prepareSession()
    await host.setOnline(false)
    await host.drive(host.auth.start())
  },
  misconfigured: async (host) => {
    await host.prepareSession()
    host.server.failNextRefresh('invalid_client')
    await host.drive(host.auth.start())
  },
  offline: undefined,
  unavailable: undefined,
  revoked: undefined,
  'logged-out': undefined,
}

/** From a session that is fine, to each state a signed-in page can come to. */
const fromSignedIn: Partial<Record<TestSessionState, (host: ScriptHost) => Promise<unknown>>> = {
  offline: async (host) => {
    await host.setOnline(false)
    await host.drive(host.auth.refresh().catch(ignore))
  },
  unavailable: async (host) => {
    host.server.failNextRefresh('unavailable')
    await host.drive(host.auth.refresh().catch(ignore))
  },
  revoked: async (host) => {
    host.server.revokeSessions(host.credentials.email)
    await host.drive(host.auth.refresh().catch(ignore))
  },
  'logged-out': (host) => host.drive(host.auth.logout()),
}

/** Brings the session back to `signed-in`: online, the server up, signed in again if it ended. */
async function signIn(host: ScriptHost): Promise<void> {
  const { auth, server } = host
  if (reached['signed-in'](auth.getState())) return
  server.goUp()
  host.held?.release()
  await host.setOnline(true)
  if (auth.getState().status === 'unauthenticated') {
    await host.drive(auth.login(host.credentials))
    return
  }
  // A transient failure: the engine retries on its own (at once when back online, after Retry-After otherwise).
  await host.driveUntil(() => reached['signed-in'](auth.getState()), 5 * 60_000)
}

/** Puts a client that has not started in `state`. */
export async function startIn(host: ScriptHost, state: TestSessionState): Promise<void> {
  const start = starts[state]
  if (start) await start(host)
  else {
    await starts['signed-in']!(host)
    await fromSignedIn[state]!(host)
  }
  expectState(host.auth, state)
}

/** Moves a started client to `state` through the real transitions (TL805 for a state only a page load has). */
export async function moveTo(host: ScriptHost, state: TestSessionState): Promise<void> {
  if (startStates.includes(state)) {
    if (reached[state](host.auth.getState())) return
    throw kitError(Error, 'TL805', state, describeState(host.auth.getState()))
  }
  if (state === 'signed-in') await signIn(host)
  else if (!reached[state](host.auth.getState())) {
    await signIn(host)
    await fromSignedIn[state]!(host)
  }
  expectState(host.auth, state)
}

function expectState(auth: AuthClient, state: TestSessionState): void {
  if (!reached[state](auth.getState())) throw kitError(Error, 'TL806', state, describeState(auth.getState()))
}

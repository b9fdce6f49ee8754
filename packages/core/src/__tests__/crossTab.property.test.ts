import { flush, settle } from '@tokenlife/test-utils'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { mswServer } from './setup'
import { createBrowser, type Tab } from './tabs'

const LIFETIME_S = 60
/** With the default timing a token is refreshed no earlier than 60 s − 12 s margin − 6 s jitter after issue. */
const EARLIEST_REFRESH_MS = 42_000 - 6_000

type Command =
  | { kind: 'open' }
  | { kind: 'close'; tab: number }
  | { kind: 'advance'; ms: number }
  | { kind: 'sleep'; ms: number }
  | { kind: 'freeze'; tab: number }
  | { kind: 'getToken'; tab: number }
  | { kind: 'login'; tab: number }
  | { kind: 'logout'; tab: number }

const command: fc.Arbitrary<Command> = fc.oneof(
  fc.constant({ kind: 'open' as const }),
  fc.record({ kind: fc.constant('close' as const), tab: fc.nat(7) }),
  fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 1, max: 90_000 }) }),
  fc.record({ kind: fc.constant('sleep' as const), ms: fc.integer({ min: 1_000, max: 300_000 }) }),
  fc.record({ kind: fc.constant('freeze' as const), tab: fc.nat(7) }),
  fc.record({ kind: fc.constant('getToken' as const), tab: fc.nat(7) }),
  fc.record({ kind: fc.constant('login' as const), tab: fc.nat(7) }),
  fc.record({ kind: fc.constant('logout' as const), tab: fc.nat(7) }),
)

describe('cross-tab coordination under random interleavings (property)', () => {
  it.each(['storage', 'cookie'] as const)(
    '%s mode: no refresh token twice, ≤ 1 refresh per lifetime, logout reaches every tab, nobody stuck',
    async (mode) => {
      await fc.assert(
        fc.asyncProperty(fc.integer({ min: 1, max: 8 }), fc.array(command, { minLength: 1, maxLength: 25 }), async (initialTabs, commands) => {
          mswServer.resetHandlers()
          const browser = createBrowser({ mode, lifetime: LIFETIME_S })
          const { env, server } = browser
          const open: Tab[] = []
          const openTab = () => {
            if (open.length >= 8) return
            const tab = browser.openTab()
            open.push(tab)
            void tab.auth.start()
          }
          const pick = (index: number) => open[index % Math.max(open.length, 1)]
          const quietly = (promise: Promise<unknown>) => settle(env, promise.catch(() => {}), { maxMs: 60_000 })

          const logoutTimes: number[] = []
          /** When the last tab holding the session closed: a tab still starting had nobody left to ask. */
          const lastHolderClosedAt: number[] = []
          /**
           * When each tab could not hear its siblings (frozen): such a tab cannot be told of a refresh, so its own
           * refresh is not a wasted one.
           */
          const frozen = new Map<string, [number, number][]>()
          const setFrozen = (tab: Tab, asleep: boolean) => {
            if (tab.link.asleep === asleep) return
            tab.link.asleep = asleep
            const spans = frozen.get(tab.id) ?? []
            if (asleep) spans.push([env.now(), Number.POSITIVE_INFINITY])
            else spans[spans.length - 1]![1] = env.now()
            frozen.set(tab.id, spans)
          }
          const wasFrozen = (tab: string | undefined, from: number, to: number) =>
            tab !== undefined && (frozen.get(tab) ?? []).some(([start, end]) => start <= to && end >= from)
          for (let i = 0; i < initialTabs; i++) openTab()
          await quietly(open[0]!.auth.login({ username: 'u', password: 'secret' }))

          for (const step of commands) {
            const tab = 'tab' in step ? pick(step.tab) : undefined
            switch (step.kind) {
              case 'open':
                // A page that opens finds its siblings able to answer (frozen pages run again when shown); a tab
                // with no one to answer it must ask the server, which is not a wasted refresh.
                for (const each of open) setFrozen(each, false)
                openTab()
                break
              case 'close':
                if (tab && open.length > 1) {
                  tab.auth.destroy()
                  open.splice(open.indexOf(tab), 1)
                  if (open.every((each) => each.auth.getState().status !== 'authenticated')) lastHolderClosedAt.push(env.now())
                }
                break
              case 'advance':
                await env.run(step.ms)
                break
              case 'sleep':
                env.sleep(step.ms)
                for (const each of open) each.env.wake('visible')
                break
              case 'freeze':
                if (tab) setFrozen(tab, true)
                break
              case 'getToken':
                if (tab) await quietly(tab.auth.getAccessToken())
                break
              case 'login':
                if (tab) await quietly(tab.auth.login({ username: 'u', password: 'secret' }))
                break
              case 'logout':
                if (tab) {
                  logoutTimes.push(env.now())
                  await quietly(tab.auth.logout())
                  // Frozen tabs run again (as a page does when it is shown), then every tab must be signed out.
                  for (const each of open) {
                    setFrozen(each, false)
                    each.env.wake('visible')
                  }
                  await flush()
                  for (const each of open) expect(each.auth.getState().accessToken).toBeUndefined()
                }
                break
            }
            await flush()
          }
          for (const each of open) setFrozen(each, false)
          await quietly(Promise.all(open.map((each) => each.auth.start())))

          // No refresh token was ever presented twice, so the server never saw reuse.
          expect(server.stats.reuseDetected).toBe(0)
          expect(new Set(server.stats.presented).size).toBe(server.stats.presented.length)
          // At most one refresh per token lifetime: none came before the previous token was due.
          server.stats.refreshLog.forEach(({ at, tab }, index) => {
            const lastIssue = server.stats.issueTimes.filter((time) => time < at).at(-1)
            if (lastIssue === undefined || wasFrozen(tab, lastIssue, at)) return
            // A logout since that token ended its session: a new tab may ask the server whether there is one.
            if (logoutTimes.some((time) => time >= lastIssue && time <= at)) return
            if (lastHolderClosedAt.some((time) => time >= lastIssue && time <= at)) return
            expect(at - lastIssue, `refresh #${index}`).toBeGreaterThanOrEqual(EARLIEST_REFRESH_MS)
          })
          // Nobody is stuck initializing.
          for (const each of open) expect(each.auth.getState().status).not.toBe('initializing')
          for (const each of open) each.auth.destroy()
        }),
        { numRuns: 60 },
      )
    },
    120_000,
  )
})

// The idle timeout's reach (tokenlife only: no other SDK has one), part of the tabs part: 3 real Chromium tabs of one
// profile with `idleTimeout({ timeoutMs: 5 s })`, signed in, then nobody does anything. Per round: how long after the
// deadline the last tab's app shows signed out (each tab measuring on its own clock; the deadline as tab 1 gave it in
// its warning), and how many revocation requests the server got (goal 1). Each round on a fresh profile.
//   node bench/src/idle.mjs            (after `pnpm build`): prints the figures
import process from 'node:process'
import { fileURLToPath } from 'node:url'
import { launchChromium } from '@tokenlife/test-utils/chromium'
import { browserSdks, openTab, signIn } from './sdks.mjs'
import { startBenchServer } from './server.mjs'
import { median, quantile, sleep } from './stats.mjs'

/**
 * @param {import('playwright').Browser} browser
 * @param {{ tabs?: number, rounds?: number, idleMs?: number, timeoutMs?: number }} [options]
 */
export async function runIdleReach(browser, { tabs = 3, rounds = 10, idleMs = 5_000, timeoutMs = 30_000 } = {}) {
  const sdk = { ...browserSdks.find((each) => each.id === 'tokenlife'), query: { idle: String(idleMs) } }
  const server = await startBenchServer({ lifetimeS: 600 })
  const row = { tabs, idleMs, rounds: 0, reachMs: [], revocations: [], never: 0, errors: [] }
  try {
    for (let round = 0; round < rounds; round++) {
      const context = await browser.newContext()
      try {
        const pages = []
        for (let tab = 1; tab <= tabs; tab++) {
          const page = await openTab(context, server.origin, sdk, { tab, lifetimeS: 600 })
          if (tab === 1) await signIn(page)
          pages.push(page)
        }
        await Promise.all(pages.map((page) => page.waitForFunction(() => window.bench.state.signedIn, null, { timeout: 10_000, polling: 50 })))
        const logoutsBefore = server.core.stats.logouts
        // Nobody touches a tab. Tab 1's warning says when every tab signs out.
        const warning = await pages[0].waitForFunction(() => (window.bench.idle()?.status === 'warning' ? window.bench.idle() : null), null, { timeout: timeoutMs, polling: 50 })
        const { deadline } = await warning.jsonValue()
        const signedOutAt = await Promise.all(
          pages.map((page) =>
            page
              .waitForFunction(() => window.bench.state.signedOutAt, null, { timeout: timeoutMs, polling: 50 })
              .then((handle) => handle.jsonValue(), () => null),
          ),
        )
        if (signedOutAt.some((at) => at === null)) row.never++
        else row.reachMs.push(Math.max(...signedOutAt) - deadline)
        await sleep(1_000) // a second revocation, were there one, would have left by now
        row.revocations.push(server.core.stats.logouts - logoutsBefore)
        row.rounds++
      } catch (error) {
        row.errors.push(String(error?.message ?? error).split('\n')[0])
      } finally {
        await context.close()
      }
    }
  } finally {
    await server.close()
  }
  row.medianMs = row.reachMs.length ? quantile(row.reachMs, 0.5) : null
  row.p95Ms = row.reachMs.length ? quantile(row.reachMs, 0.95) : null
  row.maxMs = row.reachMs.length ? Math.max(...row.reachMs) : null
  row.medianRevocations = row.revocations.length ? median(row.revocations) : null
  row.revocationsOtherThanOne = row.revocations.filter((count) => count !== 1).length
  return row
}

export function idleTable(row) {
  const ms = (value) => (value === null ? 'n/a' : `${value.toFixed(0)} ms`)
  return [
    `| tabs | rounds | deadline → last tab signed out: median · p95 · max | revocation requests per round | rounds not signed out |`,
    '|---:|---:|---|---|---:|',
    `| ${row.tabs} | ${row.rounds} | ${ms(row.medianMs)} · ${ms(row.p95Ms)} · ${ms(row.maxMs)} | ${row.revocationsOtherThanOne ? `**${row.revocationsOtherThanOne} round(s) not exactly 1** (${row.revocations.join(', ')})` : `1 in every round`} | ${row.never} |`,
    '',
    `tokenlife only (no other SDK has an idle timeout): \`idleTimeout({ timeoutMs: ${row.idleMs / 1000} s })\`, ${row.tabs} tabs of one profile signed in, then no activity. The deadline is the one tab 1's warning gave; each tab's sign-out is when its app saw \`unauthenticated\` (its own clock). A negative figure would be a tab signed out early.`,
  ].join('\n')
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const browser = await launchChromium()
  try {
    const row = await runIdleReach(browser, { rounds: Number(process.env.IDLE_ROUNDS ?? 10) })
    console.log(JSON.stringify({ ...row, reachMs: row.reachMs.map((value) => Math.round(value)) }))
    console.log(idleTable(row))
  } finally {
    await browser.close()
  }
}

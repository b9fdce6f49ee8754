// Part 4, fleet simulation (tokenlife only, virtual time): N sessions (browsers) × up to T tabs each over 8 hours
// with 5-minute access tokens; tabs open and close at random and the device sleeps and wakes at random, every session
// signing in within the same first minute (a herd, as after an outage). Each session's tabs run the real tokenlife
// client on @tokenlife/test-utils fakes (FakeEnvironment clock, FakeLockManager, FakeChannelHub) against an
// in-process rotating server with 100 ms answers. Sessions do not interact, so they run one after another and their
// server logs are merged for the load figures. The same schedules drive a naive per-tab refresher (each tab
// refreshes on its own timer with the same margin and jitter, and at open and wake) as the baseline.
//  - requests ÷ ideal minimum: the ideal is one perfectly coordinated refresher with the same policy (a refresh when
//    the session becomes active with a token past its refresh point, then one per lifetime − margin − mean jitter
//    while a tab is open and the device awake); goal 1.00;
//  - reuse events (goal 0) and sessions lost to them (the user signs in again);
//  - peak-to-mean refresh requests per second, in 60 s buckets over the 8 hours (goal <= 1.5).
import { mkdirSync } from 'node:fs'
import { performance } from 'node:perf_hooks'
import process from 'node:process'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { build } from 'esbuild'
import { fmt, median } from './stats.mjs'

const LIFETIME_S = 300
const LATENCY_MS = 100
const MARGIN_MS = Math.min(Math.max(LIFETIME_S * 1000 * 0.2, 5_000), 300_000, (LIFETIME_S * 1000) / 2) // tokenlife's default rule
const MAX_JITTER_MS = Math.min(LIFETIME_S * 1000 * 0.1, 60_000)
const SPACING_MS = LIFETIME_S * 1000 - MARGIN_MS - MAX_JITTER_MS / 2

function prng(seed) {
  let state = seed >>> 0 || 1
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0
    return state / 2 ** 32
  }
}

/** A session's random schedule: tab opens and closes, device sleeps; nothing happens while the device sleeps. */
export function makeSchedule(seed, tabCount, hoursMs) {
  const random = prng(seed)
  const exp = (mean) => -mean * Math.log(1 - random())
  const sleeps = []
  for (let t = exp(90 * 60_000); t < hoursMs; ) {
    const ms = (5 + random() * 55) * 60_000
    sleeps.push({ at: t, type: 'sleep', ms, tab: -1 })
    t += ms + exp(90 * 60_000)
  }
  // A tab the user would have opened or closed during a sleep is opened or closed some time after the wake.
  const awake = (t) => {
    for (const sleep of sleeps) if (t >= sleep.at && t < sleep.at + sleep.ms) return sleep.at + sleep.ms + 5_000 + random() * 115_000
    return t
  }
  const events = []
  for (let tab = 0; tab < tabCount; tab++) {
    let t = tab === 0 ? random() * 60_000 : random() * 30 * 60_000
    let open = true
    while (t < hoursMs) {
      t = awake(t)
      if (t >= hoursMs) break
      events.push({ at: t, type: open ? 'open' : 'close', tab })
      t += exp(open ? 45 * 60_000 : 15 * 60_000)
      open = !open
    }
  }
  // Slot 0 opens first; keep that order when a sleep shifts it.
  return [...events, ...sleeps].sort((a, b) => a.at - b.at || (a.type === 'sleep' ? 1 : -1))
}

/** Intervals with at least one tab open and the device awake, and the perfect coordinator's request count. */
export function idealRequests(events, hoursMs) {
  const open = new Set()
  let activeSince = null
  let dueAt = -Infinity // the held token's refresh point
  let count = 0
  const runUntil = (t) => {
    if (activeSince === null) return
    while (dueAt <= t) {
      count++
      dueAt = Math.max(dueAt, activeSince) + SPACING_MS
    }
  }
  const at = (t) => {
    if (activeSince === null) return
    runUntil(t)
  }
  for (const event of events) {
    at(event.at)
    if (event.type === 'open') open.add(event.tab)
    if (event.type === 'close') open.delete(event.tab)
    if (event.type === 'sleep') {
      activeSince = null
      // Awake again after the sleep, if tabs are open.
      if (open.size) {
        activeSince = event.at + event.ms
        if (dueAt < activeSince) dueAt = activeSince
      }
      continue
    }
    if (open.size && activeSince === null) {
      activeSince = event.at
      if (dueAt < activeSince) dueAt = activeSince
    } else if (!open.size) activeSince = null
  }
  at(hoursMs)
  return count
}

/** The baseline: every tab refreshes on its own timer (same margin and jitter), at open and on wake. */
export function simulateNaive(events, hoursMs, seed) {
  const random = prng(seed ^ 0x9e3779b9)
  const log = { requests: [], reuse: 0, lost: 0 }
  let cookie = 1
  let family = 1
  const used = new Set()
  const revoked = new Set()
  const queue = [] // { at, kind, tab, sent? }
  const push = (item) => {
    queue.push(item)
    queue.sort((a, b) => a.at - b.at)
  }
  const timers = new Map() // tab -> queued timer item
  const schedule = (tab, at) => {
    const item = { at, kind: 'timer', tab }
    timers.set(tab, item)
    push(item)
  }
  const send = (tab, at) => {
    log.requests.push(at)
    push({ at: at + LATENCY_MS, kind: 'response', tab, sent: cookie, family })
  }
  const open = new Set()
  let pending = [...events]
  let now = 0
  while (pending.length || queue.length) {
    const nextEvent = pending[0]
    const nextItem = queue[0]
    if (nextItem && (!nextEvent || nextItem.at <= nextEvent.at)) {
      queue.shift()
      now = nextItem.at
      if (now > hoursMs) break
      if (nextItem.kind === 'timer') {
        if (timers.get(nextItem.tab) !== nextItem || !open.has(nextItem.tab)) continue
        timers.delete(nextItem.tab)
        send(nextItem.tab, now)
      } else {
        const key = `${nextItem.family}:${nextItem.sent}`
        if (revoked.has(nextItem.family)) {
          // A refused refresh: the tab is signed out; the user signs in again (a new family).
          if (nextItem.family === family) {
            family++
            cookie = 1
          }
        } else if (used.has(key)) {
          log.reuse++
          log.lost++
          revoked.add(nextItem.family)
        } else {
          used.add(key)
          if (nextItem.family === family) cookie = nextItem.sent + 1
        }
        if (open.has(nextItem.tab)) schedule(nextItem.tab, now + LIFETIME_S * 1000 - MARGIN_MS - random() * MAX_JITTER_MS)
      }
      continue
    }
    pending.shift()
    now = nextEvent.at
    if (nextEvent.type === 'open') {
      open.add(nextEvent.tab)
      send(nextEvent.tab, now)
    } else if (nextEvent.type === 'close') {
      open.delete(nextEvent.tab)
      timers.delete(nextEvent.tab)
    } else {
      // Sleep: every timer and answer waits; on wake, tabs whose timer is overdue refresh at once.
      for (const item of queue) item.at += nextEvent.ms
      pending = pending.map((event) => ({ ...event, at: Math.max(event.at, nextEvent.at + nextEvent.ms) }))
    }
  }
  return log
}

const bundled = new Map()
/** Imports a module of this folder that uses the TypeScript fakes of @tokenlife/test-utils, bundled by esbuild. */
export function importBundled(name) {
  if (!bundled.has(name)) {
    bundled.set(
      name,
      (async () => {
        const outdir = fileURLToPath(new URL('../node_modules/.cache/bench/', import.meta.url))
        mkdirSync(outdir, { recursive: true })
        const outfile = `${outdir}${name}`
        await build({ entryPoints: [fileURLToPath(new URL(`./${name}`, import.meta.url))], bundle: true, platform: 'node', format: 'esm', target: 'node20', outfile, external: ['@tokenlife/core'], logLevel: 'error' })
        return import(`${pathToFileURL(outfile)}?${Date.now()}`)
      })(),
    )
  }
  return bundled.get(name)
}

function peakToMean(requests, hoursMs) {
  const buckets = new Array(Math.ceil(hoursMs / 60_000)).fill(0)
  for (const at of requests) if (at >= 0 && at < hoursMs) buckets[Math.floor(at / 60_000)]++
  const mean = requests.length / buckets.length
  return mean ? Math.max(...buckets) / mean : 0
}

/**
 * @param {{ sessionCounts?: number[], tabCounts?: number[], hours?: number, repeats?: number, budgetS?: number, onRow?: (row: object) => void }} [options]
 *   `budgetS`: a (sessions × tabs) cell of tokenlife that would take longer is run on fewer sessions, and says so.
 */
export async function runFleet({ sessionCounts = [1_000, 10_000], tabCounts = [1, 3, 10], hours = 8, repeats = 1, budgetS = 240, onRow } = {}) {
  const { simulateSession: simulate } = await importBundled('fleetSession.mjs')
  const hoursMs = hours * 3_600_000
  const rows = []
  for (const tabs of tabCounts)
    for (const sessions of sessionCounts) {
      // The naive baseline runs on the same sessions (and as many) as tokenlife did.
      let ran = sessions
      let note = ''
      for (const strategy of ['tokenlife', 'naive per-tab']) {
        const runs = []
        for (let repeat = 0; repeat < repeats; repeat++) {
          const all = []
          let requests = 0
          let ideal = 0
          let reuse = 0
          let lost = 0
          const started = performance.now()
          let done = 0
          for (let i = 0; i < ran; i++) {
            const seed = (repeat + 1) * 1_000_003 + i * 7919 + tabs
            const events = makeSchedule(seed, tabs, hoursMs)
            ideal += idealRequests(events, hoursMs)
            const log = strategy === 'tokenlife' ? await simulate({ events, hoursMs, lifetimeS: LIFETIME_S, latencyMs: LATENCY_MS, seed }) : simulateNaive(events, hoursMs, seed)
            requests += log.requests.length
            for (const at of log.requests) all.push(at)
            reuse += log.reuse
            lost += log.lost
            done++
            // Too slow for the budget: stop at a size that fits, and say so.
            if (strategy === 'tokenlife' && repeat === 0 && done === 20 && ran > 20) {
              const perSession = (performance.now() - started) / 20
              const fits = Math.floor((budgetS * 1000) / perSession / repeats)
              if (fits < ran) {
                ran = Math.max(20, fits)
                note = `ran ${ran.toLocaleString('en-US')} of ${sessions.toLocaleString('en-US')} sessions: ${fmt(perSession, 0)} ms per session on this machine, the whole cell would take ${fmt((perSession * sessions) / 60_000, 0)} min`
              }
            }
          }
          runs.push({ requestsPerIdeal: requests / ideal, reuse, lost, peakToMean: peakToMean(all, hoursMs), requests, ideal, seconds: (performance.now() - started) / 1000 })
        }
        const row = {
          strategy,
          sessions,
          ran,
          tabs,
          requestsPerIdeal: median(runs.map((run) => run.requestsPerIdeal)),
          reuseEvents: median(runs.map((run) => run.reuse)),
          sessionsLost: median(runs.map((run) => run.lost)),
          peakToMean: median(runs.map((run) => run.peakToMean)),
          requests: median(runs.map((run) => run.requests)),
          ideal: median(runs.map((run) => run.ideal)),
          seconds: median(runs.map((run) => run.seconds)),
          repeats,
          note,
        }
        rows.push(row)
        onRow?.(row)
      }
    }
  return { rows, hours, lifetimeS: LIFETIME_S, spacingMs: SPACING_MS, latencyMs: LATENCY_MS }
}

export function fleetTable(result) {
  const lines = [
    '| strategy | sessions × tabs | requests ÷ ideal | reuse events | sessions lost | peak-to-mean refreshes/s (60 s buckets) | simulated in |',
    '|---|---|---:|---:|---:|---:|---:|',
  ]
  for (const row of result.rows)
    lines.push(
      `| ${row.strategy} | ${row.ran.toLocaleString('en-US')}${row.ran < row.sessions ? ` (of ${row.sessions.toLocaleString('en-US')})` : ''} × ${row.tabs} | **${fmt(row.requestsPerIdeal)}** | ${fmt(row.reuseEvents, 0)} | ${fmt(row.sessionsLost, 0)} | ${fmt(row.peakToMean)} | ${fmt(row.seconds, 0)} s |`,
    )
  const notes = result.rows.filter((row) => row.note && row.strategy === 'tokenlife').map((row) => `- ${row.sessions.toLocaleString('en-US')} × ${row.tabs} (both strategies): ${row.note}.`)
  lines.push(
    '',
    `${result.hours} h per session, ${result.lifetimeS / 60}-minute access tokens, ${result.latencyMs} ms server answers, every session signing in within the first minute. Tabs (up to the column's count) open for 45 min and close for 15 min on average, the device sleeps every 90 min on average for 5–60 min. Ideal = a perfect coordinator with tokenlife's policy (one refresh per ${fmt(result.spacingMs / 1000, 0)} s of activity, and one when the session becomes active past its refresh point). Median over ${result.rows[0]?.repeats ?? 1} run(s) with different random schedules; tokenlife and the baseline see the same schedules.`,
    ...(notes.length ? ['', ...notes] : []),
  )
  return lines.join('\n')
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const result = await runFleet({ sessionCounts: [Number(process.env.FLEET_SESSIONS ?? 100)], tabCounts: [Number(process.env.FLEET_TABS ?? 3)], hours: Number(process.env.FLEET_HOURS ?? 8), onRow: (row) => console.log(JSON.stringify(row)) })
  console.log(fleetTable(result))
}

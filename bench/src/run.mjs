// `pnpm bench`: runs every part and writes bench/RESULTS.md. `--smoke` (the package's `test` script, part of CI)
// runs each part with tiny sizes and checks only that every part produces well-formed rows; it writes nothing.
// `--parts=size,tabs,sleep,fleet,overhead,leaks` runs some parts only (RESULTS.md is then written to RESULTS.partial.md).
import { execFileSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'

const SERVER_SECTION = '## 7. The server half'
import { cpus, loadavg, release, totalmem, type } from 'node:os'
import { performance } from 'node:perf_hooks'
import process from 'node:process'
import { fileURLToPath } from 'node:url'
import { launchChromium } from '@tokenlife/test-utils/chromium'
import { runFleet, fleetTable } from './fleet.mjs'
import { idleTable, runIdleReach } from './idle.mjs'
import { runLeaks, leaksTable } from './leaks.mjs'
import { overheadTable, runOverhead } from './overhead.mjs'
import { browserSdks } from './sdks.mjs'
import { runSize, sizeTable } from './size.mjs'
import { runSleep } from './sleep.mjs'
import { pool, runTabs } from './tabs.mjs'
import { logoutTable, sleepTable, stormTable, summaryTable, tabsTables } from './tables.mjs'

const args = process.argv.slice(2)
const smoke = args.includes('--smoke')
const partsArg = args.find((arg) => arg.startsWith('--parts='))
const allParts = ['size', 'tabs', 'sleep', 'fleet', 'overhead', 'leaks']
const parts = partsArg ? partsArg.slice('--parts='.length).split(',') : allParts
const benchDir = fileURLToPath(new URL('..', import.meta.url))

const config = smoke
  ? {
      tabs: { tabCounts: [2], lifetimesS: [3], lifetimes: 1, stormRounds: 1, logoutRounds: 1, logoutTimeoutMs: 3_000, signInWaitMs: 3_000, concurrency: 6 },
      idle: { tabs: 3, rounds: 1 },
      sleep: { lifetimeS: 3, rounds: 1, concurrency: 5 },
      fleet: { sessionCounts: [20], tabCounts: [1, 3], hours: 0.5, repeats: 1 },
      overhead: { requests: 200, repeats: 1, budgetMs: 3_000, tokenCalls: 10_000 },
      leaks: { refreshCycles: 200, createCycles: 50, repeats: 1 },
    }
  : {
      tabs: { tabCounts: [1, 3, 5], lifetimesS: [8, 16, 32], lifetimes: 3, stormRounds: 3, logoutRounds: 5, logoutTimeoutMs: 15_000, concurrency: 6 },
      idle: { tabs: 3, rounds: 20 },
      sleep: { lifetimeS: 8, rounds: 3, concurrency: 3 },
      fleet: { sessionCounts: [1_000, 10_000], tabCounts: [1, 3, 10], hours: 8, repeats: 1, budgetS: 120 },
      overhead: { requests: 5_000, repeats: 5, budgetMs: 15_000, tokenCalls: 200_000 },
      leaks: { refreshCycles: 10_000, createCycles: 1_000, repeats: 3 },
    }

const log = (...line) => console.log(`[bench ${(performance.now() / 1000).toFixed(0)} s]`, ...line)
const results = {}
const started = new Date()
const loadStart = loadavg()
let chromiumVersion = 'not launched'

async function withBrowser(work) {
  const browser = await launchChromium()
  chromiumVersion = browser.version()
  try {
    return await work(browser)
  } finally {
    await browser.close()
  }
}

for (const part of parts) {
  const t0 = performance.now()
  log(`part ${part}…`)
  if (part === 'size') results.size = await runSize()
  if (part === 'overhead') results.overhead = await runOverhead(config.overhead)
  if (part === 'tabs') results.tabsConfig = config.tabs
  if (part === 'tabs') results.tabs = await withBrowser((browser) => runTabs(browser, { ...config.tabs, onRow: (row) => log(`  tabs ${row.sdk} ×${row.tabs} ${row.lifetimeS} s${row.failed ? ` FAILED: ${row.failed}` : ''}`) }))
  // The idle timeout's reach, after the tabs part (alone: its figures are milliseconds).
  if (part === 'tabs') results.idle = await withBrowser((browser) => runIdleReach(browser, config.idle))
  if (part === 'sleep') results.sleep = await withBrowser((browser) => runSleep(browser, { ...config.sleep, pool, onRow: (row) => log(`  sleep ${row.sdk}${row.failed ? ` FAILED: ${row.failed}` : ''}`) }))
  if (part === 'fleet') results.fleet = await runFleet({ ...config.fleet, onRow: (row) => log(`  fleet ${row.strategy} ${row.sessions}×${row.tabs}`) })
  if (part === 'leaks') results.leaks = await runLeaks(config.leaks)
  log(`part ${part} done in ${((performance.now() - t0) / 1000).toFixed(1)} s`)
}

if (smoke) {
  const problems = checkWellFormed(results)
  if (problems.length) {
    console.error(`bench smoke: ${problems.length} malformed row(s):\n  ${problems.join('\n  ')}`)
    process.exit(1)
  }
  console.log(`bench smoke: every part produced well-formed rows (${parts.join(', ')})`)
  process.exit(0)
}

// The server half's section comes from `pnpm bench:server` (packages/server/bench): kept as it is.
const serverSectionOf = (text) => (text.includes(SERVER_SECTION) ? text.slice(text.indexOf(SERVER_SECTION)) : '')
let serverSection = ''
try {
  serverSection = serverSectionOf(readFileSync(new URL('../RESULTS.md', import.meta.url), 'utf8'))
} catch {
  // No RESULTS.md yet.
}
writeFileSync(new URL(partsArg ? '../RESULTS.partial.md' : '../RESULTS.md', import.meta.url), resultsMarkdown() + (serverSection ? `\n${serverSection}` : ''))
log(`wrote bench/${partsArg ? 'RESULTS.partial.md' : 'RESULTS.md'}`)
process.exit(0)

/** The smoke check: the shape of every row, never a timing. */
function checkWellFormed(all) {
  const problems = []
  const number = (where, value, { nullable = false } = {}) => {
    if (nullable && value === null) return
    if (typeof value !== 'number' || !Number.isFinite(value)) problems.push(`${where}: ${JSON.stringify(value)} is not a finite number`)
  }
  if (all.size) {
    if (all.size.length < 5) problems.push('size: fewer rows than entries')
    for (const row of all.size) {
      number(`size ${row.name} upFront`, row.upFront)
      if (row.upFront <= 0) problems.push(`size ${row.name}: empty bundle`)
    }
    // Pay for what is used: what an app does not use must not be loaded up front (lazy chunks are fine).
    const [cookieApp, kyApp] = all.size
    for (const name of ['idb-keyval', 'broadcast-channel', 'ky']) {
      if (cookieApp.upFrontPackages.includes(name)) problems.push(`size ${cookieApp.name}: loads ${name} up front`)
    }
    for (const name of ['idb-keyval', 'broadcast-channel']) {
      if (kyApp.upFrontPackages.includes(name)) problems.push(`size ${kyApp.name}: loads ${name} up front`)
    }
    if (!kyApp.upFrontPackages.includes('ky')) problems.push(`size ${kyApp.name}: ky is not in the bundle`)
  }
  if (all.overhead) {
    for (const row of all.overhead.rows) number(`overhead ${row.name}`, row.medianUs)
    for (const key of ['fetchRatio', 'kyRatio', 'tokenPerSecond']) number(`overhead ${key}`, all.overhead[key])
  }
  for (const row of all.tabs ?? []) {
    const where = `tabs ${row.sdk} ×${row.tabs} ${row.lifetimeS} s`
    if (row.failed) problems.push(`${where}: failed: ${row.failed}`)
    for (const key of ['refreshRequests', 'perLifetime', 'reuseEvents', 'sessionsLost', 'tabsSignedInAfter']) number(`${where} ${key}`, row[key])
    if ('stormRounds' in row) for (const key of ['stormRequests', 'stormReuse', 'stormSessionsLost']) number(`${where} ${key}`, row[key])
    if (row.tabs > 1 && 'logoutRounds' in row) number(`${where} logoutMedianMs`, row.logoutMedianMs, { nullable: true })
  }
  if (all.tabs && all.tabs.length !== browserSdks.length * config.tabs.tabCounts.length * config.tabs.lifetimesS.length) problems.push('tabs: missing rows')
  if (all.idle) {
    if (all.idle.errors.length) problems.push(`idle: ${all.idle.errors[0]}`)
    number('idle medianMs', all.idle.medianMs)
    number('idle medianRevocations', all.idle.medianRevocations)
  }
  for (const row of all.sleep ?? []) {
    if (row.failed) problems.push(`sleep ${row.sdk}: failed: ${row.failed}`)
    number(`sleep ${row.sdk} firstCallExpired`, row.firstCallExpired)
    number(`sleep ${row.sdk} medianToValidMs`, row.medianToValidMs, { nullable: true })
  }
  for (const row of all.fleet?.rows ?? []) for (const key of ['requestsPerIdeal', 'reuseEvents', 'peakToMean']) number(`fleet ${row.strategy} ${row.sessions}×${row.tabs} ${key}`, row[key])
  for (const row of all.leaks?.rows ?? []) for (const key of ['heapGrowthKb', 'timersGrowth', 'listenersGrowth']) number(`leaks ${row.name} ${key}`, row[key])
  return problems
}

function version(name) {
  try {
    const url = import.meta.resolve(`${name}/package.json`)
    return JSON.parse(readFileSync(fileURLToPath(url), 'utf8')).version
  } catch {
    // Packages without an exported package.json: find it next to the resolved entry.
    const path = fileURLToPath(import.meta.resolve(name))
    const root = path.slice(0, path.lastIndexOf(`/node_modules/${name}/`) + `/node_modules/${name}/`.length)
    return JSON.parse(readFileSync(`${root}package.json`, 'utf8')).version
  }
}

function resultsMarkdown() {
  let commit = 'unknown'
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: benchDir, encoding: 'utf8' }).trim()
  } catch {
    // not a git checkout
  }
  const loadEnd = loadavg()
  const packages = ['@tokenlife/core', 'oidc-client-ts', '@supabase/auth-js', '@auth0/auth0-spa-js', 'axios', 'axios-auth-refresh', 'ky', 'jose', 'playwright', 'esbuild']
  const lines = [
    '# tokenlife against the SDKs people use today',
    '',
    `Written by \`pnpm bench\` (bench/src/run.mjs) on ${started.toISOString().slice(0, 16).replace('T', ' ')} UTC, tokenlife at commit \`${commit}\`, in ${((Date.now() - started.getTime()) / 60_000).toFixed(1)} minutes.`,
    '',
    `**Machine:** ${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GB RAM, ${type()} ${release()}, Node ${process.versions.node}, Chromium ${chromiumVersion} (headless, Debian build).`,
    `**The machine was shared and loaded during the run:** four other engineers were building and testing on the same 2 cores (load average ${loadStart.map((n) => n.toFixed(1)).join(' / ')} at the start, ${loadEnd.map((n) => n.toFixed(1)).join(' / ')} at the end). Counts (requests, reuse events, lost sessions, bytes) do not depend on load; timings do, and the browser scenarios ran ${config.tabs.concurrency} at a time, so read every millisecond figure as an order of magnitude.`,
    '',
    `**Versions:** ${packages.map((name) => `${name} ${version(name)}`).join(', ')}.`,
    '',
  ]
  if (results.tabs || results.size || results.overhead) lines.push('## How it compares', '', summaryTable(results), '')
  lines.push('## 1. Bundle size', '')
  lines.push(results.size ? sizeTable(results.size) : 'Not run.', '')
  lines.push(
    'esbuild (browser, ESM, minified, code splitting), gzip -9. "Up front" is the entry chunk and every chunk it imports statically; "lazy" is what only a dynamic import loads (tokenlife: the broadcast-channel fallback for browsers without Web Locks or BroadcastChannel). Each entry is the import and the call an app makes (bench/src/size.mjs, bench/src/tokenlife.mjs); the bindings are measured without core and their framework, @tokenlife/oauth without core and oauth4webapi (a lazy chunk, counted in the login-path row). Sizes are deterministic: one build each.',
    '',
  )
  lines.push('## 2. Tabs in real Chromium', '')
  if (results.tabs) {
    const t = config.tabs
    lines.push(
      `${t.tabCounts.join(', ')} tabs of one browser profile, access tokens of ${t.lifetimesS.join(', ')} s, each tab's app calling the API through its SDK once a second. Refresh counts are over ${t.lifetimes} consecutive token lifetimes from the first sign-in (opening the other tabs included); the figure is the median of the ${t.lifetimes} lifetimes, per session. Logouts ran at the ${t.lifetimesS[0]} s lifetime, storms at the ${t.lifetimesS.at(-1)} s one: ${t.stormRounds} storms and up to ${t.logoutRounds} logouts per row, each on a fresh session. A token obtained off schedule (a sign-in, a page load, a forced refresh) is refreshed by tokenlife at a random point of its window (\`spreadRatio\`), the rest on schedule: the rate does not change, but which lifetime holds the extra refresh does, so a median of ${t.lifetimes} lifetimes can read 2 where two of them hold one more.`,
      '',
      tabsTables(results.tabs, config.tabs),
      '',
      '### Refresh storm (a forced refresh in every tab at the same instant)',
      '',
      stormTable(results.tabs, config.tabs),
      '',
      '### Logout in tab 1 → the last other tab signed out',
      '',
      logoutTable(results.tabs, config.tabs),
      '',
      '### Idle timeout: the deadline → the last tab signed out',
      '',
      results.idle ? idleTable(results.idle) : 'Not run.',
      '',
    )
  } else lines.push('Not run.', '')
  lines.push('## 3. Sleep (a paused page past the token\'s expiry)', '')
  lines.push(results.sleep ? sleepTable(results.sleep, config.sleep) : 'Not run.', '')
  lines.push('## 4. Fleet simulation (tokenlife only, virtual time)', '')
  lines.push(results.fleet ? fleetTable(results.fleet) : 'Not run.', '')
  lines.push('## 5. Request overhead', '')
  lines.push(results.overhead ? overheadTable(results.overhead) : 'Not run.', '')
  lines.push('## 6. Leaks', '')
  lines.push(results.leaks ? leaksTable(results.leaks) : 'Not run.', '')
  lines.push('## How each SDK is set up', '', readFileSync(new URL('./setup.md', import.meta.url), 'utf8').trim(), '')
  return `${lines.join('\n')}\n`
}

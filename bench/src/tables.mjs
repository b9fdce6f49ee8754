// Markdown tables of the browser parts and the summary, from the rows the parts return.
import { browserSdks } from './sdks.mjs'
import { fmt } from './stats.mjs'

const find = (rows, sdk, tabs, lifetimeS) => rows.find((row) => row.sdk === sdk && row.tabs === tabs && row.lifetimeS === lifetimeS)
const cell = (row, render) => (!row ? '—' : row.failed ? `failed: ${row.failed}` : render(row))
const ms = (value) => (value === null || value === undefined ? '—' : value < 10 ? `${value.toFixed(1)} ms` : `${Math.round(value)} ms`)

/** Refresh requests per lifetime (with the ratio to tokenlife in the same run), and reuse / sessions lost. */
export function tabsTables(rows, config) {
  const columns = config.lifetimesS.flatMap((lifetimeS) => config.tabCounts.map((tabs) => ({ tabs, lifetimeS })))
  const header = `| SDK | ${columns.map(({ tabs, lifetimeS }) => `${tabs} tab${tabs > 1 ? 's' : ''}, ${lifetimeS} s`).join(' | ')} |`
  const rule = `|---|${columns.map(() => '---:').join('|')}|`
  const perLifetime = [
    '### Refresh requests per token lifetime and session (× tokenlife in the same run)',
    '',
    header,
    rule,
    ...browserSdks.map(
      (sdk) =>
        `| ${sdk.label} | ${columns
          .map(({ tabs, lifetimeS }) => {
            const row = find(rows, sdk.id, tabs, lifetimeS)
            const base = find(rows, 'tokenlife', tabs, lifetimeS)
            return cell(row, (r) => `${fmt(r.perLifetime)}${sdk.id !== 'tokenlife' && base?.perLifetime ? ` (${fmt(r.perLifetime / base.perLifetime, 1)}×)` : ''}`)
          })
          .join(' | ')} |`,
    ),
  ]
  const reuse = [
    '### Reuse events / sessions lost to them (the server revoked the family) during the steady-state window',
    '',
    header,
    rule,
    ...browserSdks.map(
      (sdk) =>
        `| ${sdk.label} | ${columns
          .map(({ tabs, lifetimeS }) => cell(find(rows, sdk.id, tabs, lifetimeS), (r) => `${r.reuseEvents} / ${r.sessionsLost}${r.sessions > 1 ? ` of ${r.sessions}` : ''}${r.lostWhileOpeningTabs ? ' (lost while tabs opened)' : ''}`))
          .join(' | ')} |`,
    ),
    '',
    'A lost session means the user is signed out in every tab that shared it and must sign in again. "Lost while tabs opened": the other tabs never showed signed in.',
  ]
  return [...perLifetime, '', ...reuse].join('\n')
}

export function stormTable(rows, config) {
  const lifetimeS = config.lifetimesS[0]
  const lines = [
    `| SDK | ${config.tabCounts.map((tabs) => `${tabs} tab${tabs > 1 ? 's' : ''}: requests · reuse · sessions lost`).join(' | ')} |`,
    `|---|${config.tabCounts.map(() => '---:').join('|')}|`,
  ]
  for (const sdk of browserSdks) {
    lines.push(
      `| ${sdk.label} | ${config.tabCounts
        .map((tabs) => cell(find(rows, sdk.id, tabs, lifetimeS), (r) => (r.stormRounds ? `${fmt(r.stormRequests, 0)} · ${fmt(r.stormReuse, 0)} · ${r.stormSessionsLost} of ${r.stormRounds * r.sessions}` : '—')))
        .join(' | ')} |`,
    )
  }
  lines.push(
    '',
    `Median over ${config.stormRounds} storms of requests and reuse events; sessions lost summed over the storms. The ideal is one request per session. Forced refresh: tokenlife \`auth.refresh()\`, oidc-client-ts \`signinSilent()\`, supabase \`refreshSession()\`, auth0 \`getTokenSilently({ cacheMode: 'off' })\`; axios-auth-refresh has no refresh call, so the nearest public call is the app's own refresh function (the one it hands to the interceptor).`,
  )
  return lines.join('\n')
}

export function logoutTable(rows, config) {
  const lifetimeS = config.lifetimesS[0]
  const tabCounts = config.tabCounts.filter((tabs) => tabs > 1)
  const lines = [`| SDK | ${tabCounts.map((tabs) => `${tabs} tabs: median · p95`).join(' | ')} |`, `|---|${tabCounts.map(() => '---:').join('|')}|`]
  for (const sdk of browserSdks) {
    lines.push(
      `| ${sdk.label} | ${tabCounts
        .map((tabs) =>
          cell(find(rows, sdk.id, tabs, lifetimeS), (r) => {
            if (r.logoutNever) return `**never** (not within ${r.logoutTimeoutMs / 1000} s)`
            if (r.logoutMedianMs === null || r.logoutMedianMs === undefined) return `n/a (session lost before every logout)`
            return `${ms(r.logoutMedianMs)} · ${ms(r.logoutP95Ms)} (${r.logoutRounds} logouts)`
          }),
        )
        .join(' | ')} |`,
    )
  }
  lines.push(
    '',
    'From the `logout()` call in tab 1 to the moment the last other tab\'s app shows signed out, each tab measuring on its own clock. A tab counts as signed out when its SDK says so: an event (tokenlife `subscribe`, supabase `SIGNED_OUT`, oidc-client-ts `userUnloaded` or a refused renewal), or its token call finding no session at the app\'s next API call (oidc-client-ts `getUser()`, auth0 `getTokenSilently()`, axios: no token in localStorage). SDKs without a cross-tab signal are bounded by how often the app calls its API (here once a second).',
  )
  return lines.join('\n')
}

export function sleepTable(rows, config) {
  const lines = [
    '| SDK | first call after resume carries an expired token | median time until a call carries a valid token | refresh requests after resume (median) | sessions lost |',
    '|---|---:|---:|---:|---:|',
  ]
  for (const row of rows) {
    if (row.failed) {
      lines.push(`| ${row.label} | failed: ${row.failed} | | | |`)
      continue
    }
    lines.push(
      `| ${row.label} | ${row.firstCallExpired} of ${row.rounds} | ${row.noValidCall ? `never in ${row.noValidCall} of ${row.rounds}; ` : ''}${ms(row.medianToValidMs)} | ${fmt(row.medianRefreshes, 0)} | ${row.sessionsLost} |`,
    )
  }
  lines.push(
    '',
    `One tab, ${config.lifetimeS} s access tokens, the app calling the API once a second; the page's JavaScript is stopped with a paused debugger (CDP \`Debugger.pause\`) for the token's lifetime plus 3 s, then resumed. Times run from the resume to the first API call the server accepted, ${config.rounds} rounds. (\`Page.setWebLifecycleState\` "frozen" is ignored for pages playwright opens, so the debugger is the suspend; timer throttling is not simulated separately.)`,
  )
  return lines.join('\n')
}

/** The short "How it compares" table (also pasted into the README). */
export function summaryTable(results) {
  const { size, tabs } = results
  const sizeOf = (prefix) => size?.find((row) => row.name.startsWith(prefix))
  const config = results.tabsConfig
  const lines = ['| | bundle min+gz | refreshes / lifetime, 5 tabs | sessions lost, 5 tabs | storm, 5 tabs: requests | logout reaches every tab |', '|---|---:|---:|---:|---:|---:|']
  const sizes = { tokenlife: 'tokenlife (', 'oidc-local': 'oidc-client-ts', 'oidc-session': 'oidc-client-ts', supabase: '@supabase', auth0: '@auth0', axios: 'axios' }
  for (const sdk of browserSdks) {
    const s = sizeOf(sizes[sdk.id])
    const tabRows = (tabs ?? []).filter((row) => row.sdk === sdk.id && row.tabs === Math.max(...(config?.tabCounts ?? [5])))
    const first = tabRows.find((row) => row.lifetimeS === config?.lifetimesS[0])
    const perLifetime = tabRows.map((row) => row.perLifetime).filter((value) => typeof value === 'number')
    const lost = tabRows.reduce((sum, row) => sum + (row.sessionsLost ?? 0), 0)
    const logout = !first ? '—' : first.logoutNever ? 'never' : first.logoutMedianMs == null ? 'n/a' : `${ms(first.logoutMedianMs)} median`
    lines.push(
      `| ${sdk.label} | ${s ? `${(s.upFront / 1024).toFixed(1)} KB` : '—'} | ${perLifetime.length ? `${fmt(Math.min(...perLifetime))}–${fmt(Math.max(...perLifetime))}` : '—'} | ${tabRows.length ? `${lost} in ${tabRows.length} runs` : '—'} | ${first?.stormRounds ? fmt(first.stormRequests, 0) : '—'} | ${logout} |`,
    )
  }
  return lines.join('\n')
}

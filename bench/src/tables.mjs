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
  /** One row per SDK, one cell per column. */
  const sdkRows = (render) => browserSdks.map((sdk) => `| ${sdk.label} | ${columns.map((column) => render(column, sdk)).join(' | ')} |`)
  const perLifetime = [
    '### Refresh requests per token lifetime and session (× tokenlife in the same run)',
    '',
    header,
    rule,
    ...sdkRows(({ tabs, lifetimeS }, sdk) => {
      const row = find(rows, sdk.id, tabs, lifetimeS)
      const base = find(rows, 'tokenlife', tabs, lifetimeS)
      return cell(row, (r) => `${fmt(r.perLifetime)}${r.sessionsLost ? ' †' : ''}${sdk.id !== 'tokenlife' && base?.perLifetime ? ` (${fmt(r.perLifetime / base.perLifetime, 1)}×)` : ''}`)
    }),
  ]
  const reuse = [
    '',
    '† a session was lost to reuse in this window: the figure mixes refreshes before the loss with refused retries after it (or none at all, when the SDK stops).',
    '',
    '### Reuse events / sessions lost to them (the server revoked the family) during the steady-state window',
    '',
    header,
    rule,
    ...sdkRows(({ tabs, lifetimeS }, sdk) =>
      cell(find(rows, sdk.id, tabs, lifetimeS), (r) => `${r.reuseEvents} / ${r.sessionsLost}${r.sessions > 1 ? ` of ${r.sessions}` : ''}${r.lostWhileOpeningTabs ? ' (lost while tabs opened)' : ''}`),
    ),
    '',
    'A reuse event is any presentation of a spent refresh token (refused retries after the family was revoked included); a lost session means the user is signed out in every tab that shared it and must sign in again. "Lost while tabs opened": not every tab showed signed in after opening.',
  ]
  return [...perLifetime, '', ...reuse].join('\n')
}

export function stormTable(rows, config) {
  const lifetimeS = config.lifetimesS.at(-1)
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
    `Median over ${config.stormRounds} storms of requests and reuse events; sessions lost summed over the storms. Storms ran at the ${lifetimeS} s lifetime; the requests are those of the 2 s from the storm's instant (a refresh on schedule falls outside). The ideal is one request per session. Forced refresh: tokenlife \`auth.refresh()\`, oidc-client-ts \`signinSilent()\`, supabase \`refreshSession()\`, auth0 \`getTokenSilently({ cacheMode: 'off' })\`; axios-auth-refresh has no refresh call, so the nearest public call is the app's own refresh function (the one it hands to the interceptor).`,
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
            if (r.logoutNever && r.logoutMedianMs === null) return `**never** (not within ${r.logoutTimeoutMs / 1000} s)`
            if (r.logoutMedianMs === null || r.logoutMedianMs === undefined) return `n/a (session lost before every logout)`
            const never = r.logoutNever ? `**never in ${r.logoutNever} of ${r.logoutRounds}**; otherwise ` : ''
            const again = r.logoutSignedInAgain ? `; **a tab showed signed in again after ${r.logoutSignedInAgain} of ${r.logoutRounds}**` : ''
            return `${never}${ms(r.logoutMedianMs)} · ${ms(r.logoutP95Ms)} (${r.logoutRounds} logouts${again})`
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
    `One tab, ${config.lifetimeS} s access tokens, the app calling the API once a second; the page's JavaScript is stopped with a paused debugger (CDP \`Debugger.pause\`) for the token's lifetime plus 3 s, then resumed. Times run from the resume to the first API call the server accepted ("never": not within 20 s), ${config.rounds} rounds. (\`Page.setWebLifecycleState\` "frozen" is ignored for pages playwright opens, so the debugger is the suspend; timer throttling is not simulated separately.)`,
  )
  return lines.join('\n')
}

/** The short "How it compares" table (also pasted into the README). */
export function summaryTable(results) {
  const { size, tabs } = results
  const config = results.tabsConfig
  const most = Math.max(...(config?.tabCounts ?? [5]))
  const longest = Math.max(...(config?.lifetimesS ?? [32]))
  const shortest = config?.lifetimesS[0]
  const sizeOf = (prefix) => size?.find((row) => row.name.startsWith(prefix))
  const lines = [
    `| | bundle min+gz up front | refresh requests per lifetime, ${most} tabs, ${longest} s tokens | sessions lost to reuse, ${most} tabs (one run per lifetime) | forced refresh in all ${most} tabs at once: requests | logout in one tab → all ${most} signed out (median) | first call after a sleep carries an expired token |`,
    '|---|---:|---:|---:|---:|---:|---:|',
  ]
  const sizes = { tokenlife: 'tokenlife (', 'oidc-local': 'oidc-client-ts', 'oidc-session': 'oidc-client-ts', supabase: '@supabase', auth0: '@auth0', axios: 'axios' }
  for (const sdk of browserSdks) {
    const s = sizeOf(sizes[sdk.id])
    const mine = (tabs ?? []).filter((row) => row.sdk === sdk.id && row.tabs === most)
    const long = mine.find((row) => row.lifetimeS === longest)
    const first = mine.find((row) => row.lifetimeS === shortest)
    const lost = mine.reduce((sum, row) => sum + (row.sessionsLost ?? 0), 0)
    const sleepRow = results.sleep?.find((row) => row.sdk === sdk.id)
    let logout = '—'
    if (first?.logoutMedianMs != null) logout = `${ms(first.logoutMedianMs)}${first.logoutNever ? ` (never in ${first.logoutNever} of ${first.logoutRounds})` : ''}`
    else if (first?.logoutNever) logout = 'never'
    else if (first && 'logoutRounds' in first) logout = 'n/a (session lost first)'
    lines.push(
      `| ${sdk.label} | ${s ? `${(s.upFront / 1024).toFixed(1)} KB` : '—'} | ${long && !long.failed ? `${fmt(long.perLifetime)}${long.sessionsLost ? ' †' : ''}` : '—'} | ${mine.length ? `${lost} of ${mine.length * (mine[0].sessions ?? 1)}` : '—'} | ${long?.stormRounds ? fmt(long.stormRequests, 0) : '—'} | ${logout} | ${sleepRow && !sleepRow.failed ? `${sleepRow.firstCallExpired} of ${sleepRow.rounds}` : sdk.id === 'oidc-session' ? 'as above' : '—'} |`,
    )
  }
  lines.push('', '† the session was lost to reuse during that window. Ideal refresh count: 1 per lifetime (tokenlife refreshes on schedule at 80 % of a 32 s token).')
  return lines.join('\n')
}

// The SDKs under test in the browser parts: which page, which query, and whether tabs share one session.
/** The refresh margin, seconds, for SDKs whose margin is an option (tokenlife's own default rule: 20 %, at least 5 s, at most half). */
export const marginFor = (lifetimeS) => Math.round(Math.min(Math.max(lifetimeS * 0.2, 5), lifetimeS / 2))

export const browserSdks = [
  { id: 'tokenlife', label: 'tokenlife', page: 'tokenlife', query: {}, sharedSession: true },
  { id: 'oidc-local', label: 'oidc-client-ts (localStorage)', page: 'oidc', query: { store: 'local' }, sharedSession: true },
  { id: 'oidc-session', label: 'oidc-client-ts (sessionStorage, default)', page: 'oidc', query: { store: 'session' }, sharedSession: false },
  { id: 'supabase', label: '@supabase/auth-js', page: 'supabase', query: {}, sharedSession: true },
  { id: 'auth0', label: '@auth0/auth0-spa-js', page: 'auth0', query: {}, sharedSession: true },
  { id: 'axios', label: 'axios + axios-auth-refresh', page: 'axios', query: {}, sharedSession: true },
]

/** Opens one tab of `sdk` on `origin` and waits until its SDK has started. */
export async function openTab(context, origin, sdk, { tab, lifetimeS }) {
  const page = await context.newPage()
  page.on('pageerror', (error) => page.benchErrors?.push(String(error)))
  page.benchErrors = []
  const query = new URLSearchParams({ ...sdk.query, tab: String(tab), margin: String(marginFor(lifetimeS)) })
  await page.goto(`${origin}/${sdk.page}.html?${query}`)
  await waitReady(page)
  return page
}

export async function waitReady(page, timeout = 30_000) {
  await page.waitForFunction(() => window.bench?.ready !== undefined, null, { timeout })
  const ok = await page.evaluate(() => window.bench.ready)
  if (!ok) throw new Error(`SDK did not start: ${await page.evaluate(() => window.bench.state.errors.join('; '))}`)
}

/** Signs in through the SDK (a redirect for auth0) and waits until the page says signed in. */
export async function signIn(page, timeout = 30_000) {
  await page.evaluate(() => {
    window.bench.login().catch((error) => window.bench.state.errors.push(`login: ${error?.message ?? error}`))
  })
  await page.waitForFunction(() => window.bench?.state?.signedIn === true, null, { timeout, polling: 50 })
  await waitReady(page)
}

// The harness side of every SDK page: window.bench with one shape for all SDKs. The page's app calls the protected
// API through the SDK, keeps what the app would show (signed in or out, and since when), and reports errors.
export function runPage(driver) {
  const params = new URLSearchParams(location.search)
  const apiUrl = `${location.origin}/api/me?tab=${params.get('tab') ?? '0'}`
  const now = () => performance.timeOrigin + performance.now()
  const state = { signedIn: false, signedInAt: null, signedOutAt: null, calls: 0, results: {}, errors: [], transitions: [] }
  const mark = (signedIn) => {
    if (signedIn === state.signedIn) return
    const at = now()
    if (signedIn) Object.assign(state, { signedIn: true, signedInAt: at, signedOutAt: null })
    else Object.assign(state, { signedIn: false, signedOutAt: at })
    state.transitions.push({ signedIn, at })
    if (state.transitions.length > 200) state.transitions.shift()
  }
  const note = (error) => {
    if (state.errors.length < 20) state.errors.push(String(error?.message ?? error))
  }
  let activity = 0
  const bench = {
    state,
    now,
    login: () => driver.login(),
    logout: () => driver.logout(),
    forceRefresh: () => driver.forceRefresh(),
    async callApi() {
      state.calls++
      const startedAt = now()
      let result
      try {
        result = await driver.callApi(apiUrl)
      } catch (error) {
        note(error)
        result = 'error'
      }
      state.results[result] = (state.results[result] ?? 0) + 1
      // A call that began before the app showed signed out says nothing about the session after it.
      if (result === 'ok' && !(state.signedOutAt !== null && state.signedOutAt >= startedAt)) mark(true)
      if (result === 'signed-out') mark(false)
      return result
    },
    /** Calls the API every `ms` (one call at a time), as an app that is in use does. */
    startActivity(ms) {
      const run = ++activity
      void (async () => {
        while (run === activity) {
          await bench.callApi()
          await new Promise((resolve) => setTimeout(resolve, ms))
        }
      })()
    },
    stopActivity: () => void activity++,
    /** The SDK's idle-timeout state, where it has one (tokenlife). */
    idle: () => driver.idleState?.() ?? null,
  }
  window.bench = bench
  bench.ready = Promise.resolve()
    .then(() => driver.init({ mark, params }))
    .then(
      () => true,
      (error) => {
        note(error)
        return false
      },
    )
}

// @supabase/auth-js: GoTrueClient with autoRefreshToken and persistSession (localStorage), the library's defaults
// for a browser, including its own cross-tab coordination.
import { GoTrueClient } from '@supabase/auth-js'
import { runPage } from './common.mjs'

let client
runPage({
  async init({ mark }) {
    client = new GoTrueClient({ url: `${location.origin}/sb/auth/v1`, autoRefreshToken: true, persistSession: true, detectSessionInUrl: false })
    client.onAuthStateChange((event, session) => mark(event !== 'SIGNED_OUT' && session !== null))
    await client.initialize()
  },
  async login() {
    const { error } = await client.signInWithPassword({ email: 'demo@example.test', password: 'demo' })
    if (error) throw error
  },
  async callApi(url) {
    const { data } = await client.getSession()
    if (!data.session) return 'signed-out'
    return (await fetch(url, { headers: { Authorization: `Bearer ${data.session.access_token}` } })).ok ? 'ok' : 'unauthorized'
  },
  async forceRefresh() {
    const { error } = await client.refreshSession()
    if (error) throw error
  },
  async logout() {
    const { error } = await client.signOut()
    if (error) throw error
  },
})

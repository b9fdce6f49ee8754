// oidc-client-ts: UserManager with automaticSilentRenew over the refresh-token grant. `?store=local` shares the
// user between tabs through localStorage; `?store=session` is the library's default (sessionStorage, per tab).
import { UserManager, WebStorageStateStore } from 'oidc-client-ts'
import { runPage } from './common.mjs'

let manager
runPage({
  async init({ mark, params }) {
    manager = new UserManager({
      authority: `${location.origin}/oidc`,
      client_id: 'bench-spa',
      redirect_uri: `${location.origin}/oidc.html`,
      scope: 'openid profile offline_access',
      automaticSilentRenew: true,
      accessTokenExpiringNotificationTimeInSeconds: Number(params.get('margin') ?? 60),
      userStore: new WebStorageStateStore({ store: params.get('store') === 'local' ? localStorage : sessionStorage }),
    })
    manager.events.addUserLoaded(() => mark(true))
    manager.events.addUserUnloaded(() => mark(false))
    manager.events.addUserSignedOut(() => mark(false))
    // A refused renewal is how the app learns the session is gone (the user object stays in the store).
    manager.events.addSilentRenewError((error) => {
      if (error?.error === 'invalid_grant') mark(false)
    })
    const user = await manager.getUser()
    if (user) mark(true)
  },
  login: () => manager.signinResourceOwnerCredentials({ username: 'demo', password: 'demo', skipUserInfo: true }),
  async callApi(url) {
    const user = await manager.getUser()
    if (!user) return 'signed-out'
    return (await fetch(url, { headers: { Authorization: `Bearer ${user.access_token}` } })).ok ? 'ok' : 'unauthorized'
  },
  forceRefresh: () => manager.signinSilent(),
  async logout() {
    await manager.revokeTokens(['refresh_token'])
    await manager.removeUser()
  },
})

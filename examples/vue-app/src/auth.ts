import { createAuthClient } from '@tokenlife/vue'
import { createEventLog } from './eventLog'

/** One client for the app. Cookie mode (the default): the refresh token is an httpOnly cookie on /auth. */
export const auth = createAuthClient({
  refreshUrl: '/auth/refresh',
  loginUrl: '/auth/login',
  logoutUrl: '/auth/logout',
})

/** Subscribed before the plugin starts the client, so the first `session-started` is in the log. */
export const eventLog = createEventLog(auth)

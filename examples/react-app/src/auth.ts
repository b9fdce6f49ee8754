import { demoIdleTimeout } from '@tokenlife/example-app-shared/idle'
import { createAuthClient } from '@tokenlife/react'
import { createEventLog } from './eventLog'

/**
 * One client for the app. Cookie mode (the default): the refresh token is an httpOnly cookie on /auth. Every tab
 * signs out after 15 minutes without activity in any tab (`?idle=90` in the URL: 90 seconds).
 */
export const auth = createAuthClient({
  refreshUrl: '/auth/refresh',
  loginUrl: '/auth/login',
  logoutUrl: '/auth/logout',
  idle: demoIdleTimeout(),
})

/** Subscribed before the provider starts the client, so the first `session-started` is in the log. */
export const eventLog = createEventLog(auth)

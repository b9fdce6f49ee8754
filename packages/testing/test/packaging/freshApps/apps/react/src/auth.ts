import { createAuthClient } from '@tokenlife/react'

export const auth = createAuthClient({ refreshUrl: '/auth/refresh', loginUrl: '/auth/login', logoutUrl: '/auth/logout' })

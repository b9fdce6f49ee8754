import type { AuthClient } from '@tokenlife/core'
import { createContext } from 'react'

/** Carries the client given to `<AuthProvider>`; `null` when there is no provider above. Internal. */
export const AuthContext = createContext<AuthClient | null>(null)

/** What the hooks render on the server and during hydration: the client has not started there. */
export const serverState = Object.freeze({ status: 'initializing' as const })

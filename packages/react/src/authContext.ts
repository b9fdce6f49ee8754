import type { AuthClient } from '@tokenlife/core'
import { createContext } from 'react'

/** Carries the client given to `<AuthProvider>`; `null` when there is no provider above. Internal. */
export const AuthContext = createContext<AuthClient | null>(null)

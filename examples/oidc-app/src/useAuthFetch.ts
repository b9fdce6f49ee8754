import { createAuthFetch, useAuthClient } from '@tokenlife/react'
import { useMemo } from 'react'

/** `fetch` with the session's access token, for this origin's API. */
export function useAuthFetch(): typeof fetch {
  const auth = useAuthClient()
  return useMemo(() => createAuthFetch(auth), [auth])
}

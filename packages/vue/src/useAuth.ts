import { serverState, type AuthClient, type AuthState, type AuthStateField, type RedirectLogin } from '@tokenlife/core'
import { computed, inject, onScopeDispose, shallowRef, type Ref } from 'vue'
import { oauthKey } from './createTokenlife'
import { useAuthClient } from './useAuthClient'

/**
 * What {@link useAuth} returns: the whole `state`, each of its fields and the `isAuthenticated` / `isLoading`
 * flags as readonly refs, and the client's actions.
 *
 * @example
 * ```ts
 * const { status, reason }: UseAuthReturn = useAuth()
 * const expired = computed(() => status.value === 'unauthenticated' && reason.value === 'revoked')
 * ```
 */
export type UseAuthReturn = { readonly [K in AuthStateField]: Readonly<Ref<AuthState[K]>> } & {
  readonly state: Readonly<Ref<AuthState>>
  readonly isAuthenticated: Readonly<Ref<boolean>>
  readonly isLoading: Readonly<Ref<boolean>>
} & Pick<AuthClient, 'login' | 'getAccessToken'> &
  /** `logout` ends the session in every tab (given an OAuth client, at the provider too); `loginWithRedirect` signs in there. */
  Pick<RedirectLogin, 'logout' | 'loginWithRedirect'>

/**
 * The session as readonly refs, plus the actions that change it. Call it in `setup()`; the subscription ends with
 * the component (or effect scope). During server-side rendering the state is `initializing`.
 *
 * @example
 * ```ts
 * const { isAuthenticated, user, loginWithRedirect, logout } = useAuth()
 * const name = computed(() => user.value?.name)
 * ```
 */
export function useAuth(): UseAuthReturn {
  const client = useAuthClient()
  const oauth = inject(oauthKey, undefined)
  const onServer = typeof window === 'undefined'
  const state = shallowRef(onServer ? serverState : client.getState())
  if (!onServer) {
    const unsubscribe = client.subscribe((next) => {
      state.value = next
    })
    onScopeDispose(unsubscribe)
  }
  const field = <K extends AuthStateField>(key: K) => computed(() => state.value[key])
  return {
    state: computed(() => state.value),
    status: field('status'),
    accessToken: field('accessToken'),
    claims: field('claims'),
    expiresAt: field('expiresAt'),
    reason: field('reason'),
    error: field('error'),
    user: field('user'),
    idToken: field('idToken'),
    isAuthenticated: computed(() => state.value.status === 'authenticated'),
    isLoading: computed(() => state.value.status === 'initializing'),
    login: (credentials) => client.login(credentials),
    logout: (options) => (oauth ?? client).logout(options),
    getAccessToken: (options) => client.getAccessToken(options),
    loginWithRedirect: (options) =>
      oauth ? oauth.loginWithRedirect(options) : Promise.reject(new Error('tokenlife: no OAuth client: app.use(createTokenlife(oauth.auth, { oauth }))')),
  }
}

import { serverState, type AuthClient, type AuthState, type AuthStateField, type RedirectLogin } from '@tokenlife/core'
import { computed, getCurrentInstance, inject, onMounted, onScopeDispose, shallowRef, type Ref } from 'vue'
import { oauthKey } from './createTokenlife'
import { codedError } from './diagnostics/diagnostic'
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
  /** The whole state, replaced on every change. */
  readonly state: Readonly<Ref<AuthState>>
  /** `status === 'authenticated'`. */
  readonly isAuthenticated: Readonly<Ref<boolean>>
  /** `status === 'initializing'`: the client does not know yet. */
  readonly isLoading: Readonly<Ref<boolean>>
} & Pick<AuthClient, 'login' | 'getAccessToken'> &
  /** `logout` ends the session in every tab (given an OAuth client, at the provider too); `loginWithRedirect` signs in there. */
  Pick<RedirectLogin, 'logout' | 'loginWithRedirect'>

/**
 * The session as readonly refs, plus the actions that change it. Call it in `setup()`; the subscription ends with
 * the component (or effect scope). During server-side rendering, and in the browser while the component hydrates
 * server HTML, the state is `serverState` (`initializing`), so the first render matches the server's; once mounted it
 * is the client's.
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
  // Vue hydrates a component onto the server's element: its vnode has that element before setup runs (a client-side
  // mount creates it after). Until mounted, render what the server rendered.
  let hydrating = !onServer && getCurrentInstance()?.vnode.el != null
  const state = shallowRef(onServer || hydrating ? serverState : client.getState())
  if (!onServer) {
    const unsubscribe = client.subscribe((next) => {
      if (!hydrating) state.value = next
    })
    onScopeDispose(unsubscribe)
    if (hydrating) {
      onMounted(() => {
        hydrating = false
        state.value = client.getState()
      })
    }
  }
  const field = <K extends AuthStateField>(key: K) => computed(() => state.value[key])
  return {
    state: computed(() => state.value),
    status: field('status'),
    accessToken: field('accessToken'),
    claims: field('claims'),
    expiresAt: field('expiresAt'),
    sessionEndsAt: field('sessionEndsAt'),
    reason: field('reason'),
    error: field('error'),
    user: field('user'),
    idToken: field('idToken'),
    isAuthenticated: computed(() => state.value.status === 'authenticated'),
    isLoading: computed(() => state.value.status === 'initializing'),
    login: (credentials) => client.login(credentials),
    logout: (options) => (oauth ?? client).logout(options),
    getAccessToken: (options) => client.getAccessToken(options),
    loginWithRedirect: (options) => (oauth ? oauth.loginWithRedirect(options) : Promise.reject(codedError(Error, 'TL716'))),
  }
}

import { serverState, type AuthClient, type AuthState, type AuthStateField } from '@tokenlife/core'
import { computed, onScopeDispose, shallowRef, type Ref } from 'vue'
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
} & Pick<AuthClient, 'login' | 'logout' | 'getAccessToken'>

/**
 * The session as readonly refs, plus the actions that change it. Call it in `setup()`; the subscription ends with
 * the component (or effect scope). During server-side rendering the state is `initializing`.
 *
 * @example
 * ```ts
 * const { isAuthenticated, claims, login, logout } = useAuth()
 * const name = computed(() => claims.value?.sub)
 * ```
 */
export function useAuth(): UseAuthReturn {
  const client = useAuthClient()
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
    sessionEndsAt: field('sessionEndsAt'),
    reason: field('reason'),
    error: field('error'),
    isAuthenticated: computed(() => state.value.status === 'authenticated'),
    isLoading: computed(() => state.value.status === 'initializing'),
    login: (credentials) => client.login(credentials),
    logout: (options) => client.logout(options),
    getAccessToken: (options) => client.getAccessToken(options),
  }
}

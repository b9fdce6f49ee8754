import type { AuthClient } from '@tokenlife/core'
import type { App, InjectionKey, Plugin } from 'vue'

/** Where the plugin provides the client. Internal: read it with `useAuth()` or `useAuthClient()`. */
export const authClientKey: InjectionKey<AuthClient> = Symbol('tokenlife')

/**
 * The Vue plugin: provides `client` to `useAuth()`, and in the browser starts it (never during server-side
 * rendering). The app takes the client over: `app.unmount()` destroys it, releasing its timers, listeners and
 * requests; create a new client for a new app.
 *
 * @example
 * ```ts
 * import { createAuthClient, createTokenlife } from '@tokenlife/vue'
 *
 * const auth = createAuthClient({ refreshUrl: '/auth/refresh', loginUrl: '/auth/login' })
 * createApp(App).use(createTokenlife(auth)).mount('#app')
 * ```
 */
export function createTokenlife(client: AuthClient): Plugin {
  return {
    install(app: App) {
      app.provide(authClientKey, client)
      if (typeof window === 'undefined') return
      void client.start()
      const destroy = () => client.destroy()
      // `app.onUnmount` is Vue 3.5+; older apps get `unmount` wrapped.
      if (app.onUnmount) {
        app.onUnmount(destroy)
      } else {
        const unmount = app.unmount
        app.unmount = () => {
          destroy()
          unmount()
        }
      }
    },
  }
}

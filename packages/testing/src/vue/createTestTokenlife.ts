import type { RedirectLogin } from '@tokenlife/core'
import { createTokenlife } from '@tokenlife/vue'
import type { Plugin } from 'vue'
import { TestAuthClient } from '../client/testAuthClient'
import type { TestAuthClientOptions } from '../client/testClientOptions'
import { kitError } from '../diagnostics/kitError'

/** The plugin {@link createTestTokenlife} makes: `createTokenlife()`'s, with the scripted client it provides. */
export type TestTokenlifePlugin = Plugin & {
  /** The scripted client the plugin provides (`client.auth` is what `useAuth()` reads): drive it during the test. */
  readonly client: TestAuthClient
}

/**
 * `createTokenlife()` for component tests: the plugin, with a scripted client that is already in `options.state`
 * (default `'signed-in'`), so the first render is in that state. Components see it through the real `useAuth()`;
 * `authGuard()` given `plugin.client.auth` guards as in the browser.
 *
 * @example
 * ```ts
 * const wrapper = mount(Account, { global: { plugins: [await createTestTokenlife({ state: 'revoked' })] } })
 * expect(wrapper.text()).toContain('Your session has ended')
 *
 * const tokenlife = await createTestTokenlife({ state: 'signed-in' })
 * const view = mount(Account, { global: { plugins: [tokenlife] } })
 * await tokenlife.client.goOffline()
 * ```
 *
 * @param options - the scripted client's options, or a {@link TestAuthClient} of your own
 * @param pluginOptions - `oauth`: what `loginWithRedirect()` calls; by default the scripted client's
 *   `TestRedirectLogin`, `null` for none
 */
export async function createTestTokenlife(
  options: TestAuthClientOptions | TestAuthClient = {},
  pluginOptions: { oauth?: RedirectLogin | null } = {},
): Promise<TestTokenlifePlugin> {
  if (typeof options === 'object' && options !== null && 'getState' in options) throw kitError(TypeError, 'TL809', 'client', 'an AuthClient')
  const client = TestAuthClient.is(options) ? options : new TestAuthClient(options)
  await client.ready
  const oauth = pluginOptions.oauth === null ? {} : { oauth: pluginOptions.oauth ?? client.oauth }
  return Object.assign(createTokenlife(client.auth, oauth), { client })
}

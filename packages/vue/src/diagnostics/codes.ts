import type { DiagnosticTable } from '@tokenlife/core'

function describeValue(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  return typeof value === 'object' ? 'an object that is not an AuthClient' : `${typeof value} ${String(value)}`
}

/** What the guard's argument errors have in common. */
const guardArgument = (title: string, message: (value?: unknown) => string, cause: string, fix: string) =>
  ({
    kind: 'error',
    raises: 'TypeError',
    title,
    message: (_subject?: string, value?: unknown) => message(value),
    meaning: '`authGuard()` refused its arguments at once, when the router is set up, rather than fail on the first navigation.',
    cause,
    fix,
    production: 'kept',
  }) as const

/**
 * Every error `@tokenlife/vue` raises (TL71x; TL7xx belongs to the bindings). The development build's messages and the
 * troubleshooting page are made from it; the production build does not carry it.
 */
export const diagnostics = {
  TL711: {
    kind: 'error',
    raises: 'Error',
    title: '`useAuth()` or `useAuthClient()` found no client: the plugin is not installed',
    message: () =>
      'tokenlife: no client provided. Install the plugin where you create the app: ' +
      'app.use(createTokenlife(auth)) (auth = createAuthClient({ ... })).',
    meaning: 'The composables read the client the plugin provides, and no plugin provided one.',
    cause: '`app.use(createTokenlife(auth))` is missing, or the component is mounted in another app (a test that mounts it alone).',
    fix: 'Install the plugin: `createApp(App).use(createTokenlife(auth))`; in a test, pass it in `global.plugins`.',
    production: 'kept',
  },
  TL712: {
    kind: 'error',
    raises: 'Error',
    title: '`useAuth()` or `useAuthClient()` was called outside `setup()`',
    message: () => 'tokenlife: useAuth() and useAuthClient() must be called inside setup() (or app.runWithContext()).',
    meaning: 'They use `inject()`, which only works while a component is being set up.',
    cause: 'A call in an event handler, a timer, a store defined outside a component, or after an `await` in `setup()`.',
    fix: 'Call them at the top of `setup()` (before any `await`); elsewhere use the client itself, or `app.runWithContext()`.',
    production: 'kept',
  },
  TL713: guardArgument(
    '`authGuard()` was not given the client',
    (value) =>
      `tokenlife: authGuard(client, options) needs the client made by createAuthClient() as its first argument, got ${describeValue(value)}. ` +
      'Write router.beforeEach(authGuard(auth, { redirectTo: "/login" })).',
    'The options passed first, or a module that exports the client under another name.',
    'Write `router.beforeEach(authGuard(auth, { redirectTo: "/login" }))`.',
  ),
  TL714: guardArgument(
    '`authGuard()` options are not an object',
    (value) => `tokenlife: authGuard(auth, options): options must be an object such as { redirectTo: '/login' }, got ${describeValue(value)}.`,
    'A path passed where the options go: `authGuard(auth, "/login")`.',
    "Write `authGuard(auth, { redirectTo: '/login' })`.",
  ),
  TL715: guardArgument(
    '`authGuard()`: `requiresAuth` is not a function',
    (value) =>
      `tokenlife: authGuard(auth, { requiresAuth }): requiresAuth must be a function (to) => boolean, got ${describeValue(value)}. ` +
      'Leave it out to guard the routes with meta.requiresAuth: true.',
    'A boolean or a list of paths.',
    'Pass `(to) => boolean`, or leave it out to guard the routes with `meta.requiresAuth: true`.',
  ),
  TL716: {
    kind: 'error',
    raises: 'Error',
    title: '`loginWithRedirect()` without an OAuth client in the plugin',
    message: () =>
      'tokenlife: no OAuth client: loginWithRedirect() signs in through the OAuthClient of @tokenlife/oauth; ' +
      'install the plugin with it: app.use(createTokenlife(oauth.auth, { oauth })).',
    meaning: 'A sign-in at an OpenID Connect provider was asked for, but the plugin was given no OAuth client.',
    cause: '`createTokenlife(auth)` without `{ oauth }`, in an app that signs in with `@tokenlife/oauth`.',
    fix: 'Create the client with `createOAuthClient()` and install `createTokenlife(oauth.auth, { oauth })`.',
    production: 'kept',
  },
} as const satisfies DiagnosticTable

/** A code of `@tokenlife/vue`. */
export type VueCode = keyof typeof diagnostics

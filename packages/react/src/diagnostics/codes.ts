import type { DiagnosticTable } from '@tokenlife/core'

function describeValue(value: unknown): string {
  if (value === null || value === undefined) return String(value)
  return typeof value === 'object' ? 'an object that is not an AuthClient' : `${typeof value} ${String(value)}`
}

/**
 * Every error `@tokenlife/react` raises (TL70x; TL7xx belongs to the bindings). The development build's messages and
 * the troubleshooting page are made from it; the production build does not carry it.
 */
export const diagnostics = {
  TL701: {
    kind: 'error',
    raises: 'Error',
    title: 'A hook or `<RequireAuth>` has no `<AuthProvider>` above it',
    message: () =>
      'tokenlife: no <AuthProvider> above this component. useAuth(), useAuthState(), useAuthClient() and ' +
      '<RequireAuth> read the client from it: wrap your app in <AuthProvider client={auth}> ' +
      '(auth = createAuthClient({ ... })).',
    meaning: '`useAuth()`, `useAuthState()`, `useAuthClient()` and `<RequireAuth>` read the client from the nearest `<AuthProvider>`, and there is none.',
    cause: 'The provider is missing, or wraps another part of the tree (a portal, a second root, a test that renders a component alone).',
    fix: 'Wrap the app (or the test\'s render) in `<AuthProvider client={auth}>`.',
    production: 'kept',
  },
  TL702: {
    kind: 'error',
    raises: 'TypeError',
    title: '`<AuthProvider>` was not given an `AuthClient` in its `client` prop',
    message: (_subject?: string, client?: unknown, otherProps?: unknown) => {
      const others = (otherProps as string[] | undefined) ?? []
      let hint = ''
      if (others.includes('auth')) hint = ' The prop is called `client`, not `auth`.'
      else if (others.length > 0) hint = ` ${others.join(', ')} ${others.length === 1 ? 'is not a prop' : 'are not props'} of <AuthProvider>.`
      return (
        `tokenlife: <AuthProvider> needs the AuthClient in its \`client\` prop, got ${describeValue(client)}.${hint} ` +
        'Write <AuthProvider client={auth}> (auth = createAuthClient({ ... })).'
      )
    },
    meaning: 'The provider cannot start or provide a client it was not given.',
    cause: 'The client passed under another prop name (`auth`), or a module that exports the client under another name.',
    fix: 'Write `<AuthProvider client={auth}>` with the client from `createAuthClient()`.',
    production: 'kept',
  },
  TL703: {
    kind: 'error',
    raises: 'Error',
    title: '`loginWithRedirect` (or a redirect guard) without an OAuth client on `<AuthProvider>`',
    message: () =>
      'tokenlife: no <AuthProvider oauth={oauth}>: loginWithRedirect(), <RequireAuth loginWithRedirect>, ' +
      'withAuthenticationRequired() and useRedirectCallback() sign in through the OAuthClient of @tokenlife/oauth.',
    meaning: 'A sign-in at an OpenID Connect provider was asked for, but the provider was given no OAuth client.',
    cause: '`<AuthProvider client={auth}>` without `oauth`, in an app that signs in with `@tokenlife/oauth`.',
    fix: 'Create the client with `createOAuthClient()` and write `<AuthProvider client={oauth.auth} oauth={oauth}>`.',
    production: 'kept',
  },
} as const satisfies DiagnosticTable

/** A code of `@tokenlife/react`. */
export type ReactCode = keyof typeof diagnostics

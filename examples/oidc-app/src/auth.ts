import { createOAuthClient } from '@tokenlife/oauth'
import { config } from './config'

/**
 * The one OAuth client of the app, and its session (`oauth.auth`): sign-in with authorization code + PKCE at the
 * provider, the refresh token in IndexedDB, one refresh across every tab.
 */
export const oauth = createOAuthClient({
  issuer: config.issuer,
  clientId: config.clientId,
  redirectUri: '/callback',
  postLogoutRedirectUri: `${location.origin}/`,
  // Access tokens for the API (JWTs it can verify); the ID token carries the profile and email.
  authorizationParams: { resource: config.api, scope: 'openid profile email offline_access api:read' },
})

export const auth = oauth.auth

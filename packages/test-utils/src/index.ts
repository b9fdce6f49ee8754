export { mintJwt, mintAccessToken } from './jwt'
export { FakeEnvironment, flush } from './fakeEnvironment'
export { createFakeAuthServer, type FakeAuthServer, type FakeAuthServerOptions, type FakeAuthServerStats } from './fakeAuthServer'

export { CONTENT_SECURITY_POLICY, createApp, MAX_BODY_BYTES, REFRESH_COOKIE } from './app'
export type { AppEnv, AppOptions, AppStats } from './app'
export { AUDIENCE, DEMO_USER, defaultStaticDirs, HOST, ISSUER, startServer } from './server'
export type { RunningServer, StartServerOptions } from './server'
// The package the server is built on, for tests and tools that import from here.
export { DEFAULT_SCRYPT_PARAMS, hashPassword, MemoryStore, MemoryStore as InMemoryAuthStore, verifyPassword } from '@tokenlife/server'

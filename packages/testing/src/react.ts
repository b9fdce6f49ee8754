export { TestAuthProvider, type TestAuthProviderProps } from './react/TestAuthProvider'
